/*
 * libyaml 0.2.5 (the copy Yams 6.2.2 bundles, in libyaml/: api.c, reader.c, scanner.c,
 * parser.c; emitter and writer left out) compiled into this one translation unit with every
 * function static. Yams links its own copy under the same symbol names; static, this one cannot
 * clash with it, and only the event stream of CWardenYAML.h leaves this file.
 */
#define YAML_DECLARE(type) static type
/* Yams' libyaml also has a global nesting limit (1000, the same here); this copy's has its own name. */
#define MAX_NESTING_LEVEL warden_yaml_max_nesting_level

#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wunused-function"
#include "libyaml/api.c"
#include "libyaml/reader.c"
#include "libyaml/scanner.c"
#include "libyaml/parser.c"
#pragma clang diagnostic pop

#include "CWardenYAML.h"

struct warden_yaml_events {
    yaml_parser_t parser;
    yaml_event_t event;
    int has_event;
};

warden_yaml_events *warden_yaml_events_create(const unsigned char *input, size_t size)
{
    warden_yaml_events *events = calloc(1, sizeof(warden_yaml_events));
    if (!events) return NULL;
    if (!yaml_parser_initialize(&events->parser)) {
        free(events);
        return NULL;
    }
    yaml_parser_set_encoding(&events->parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&events->parser, input, size);
    return events;
}

warden_yaml_event_kind warden_yaml_events_next(warden_yaml_events *events, const char **anchor, size_t *line)
{
    if (events->has_event) {
        yaml_event_delete(&events->event);
        events->has_event = 0;
    }
    *anchor = NULL;
    if (!yaml_parser_parse(&events->parser, &events->event)) {
        *line = events->parser.mark.line;
        return WARDEN_YAML_FAILED;
    }
    events->has_event = 1;
    *line = events->parser.mark.line;
    switch (events->event.type) {
    case YAML_STREAM_END_EVENT:
        return WARDEN_YAML_STREAM_END;
    case YAML_DOCUMENT_START_EVENT:
        return WARDEN_YAML_DOCUMENT_START;
    case YAML_SCALAR_EVENT:
        *anchor = (const char *)events->event.data.scalar.anchor;
        return WARDEN_YAML_SCALAR;
    case YAML_ALIAS_EVENT:
        *anchor = (const char *)events->event.data.alias.anchor;
        return WARDEN_YAML_ALIAS;
    case YAML_SEQUENCE_START_EVENT:
        *anchor = (const char *)events->event.data.sequence_start.anchor;
        return WARDEN_YAML_SEQUENCE_START;
    case YAML_MAPPING_START_EVENT:
        *anchor = (const char *)events->event.data.mapping_start.anchor;
        return WARDEN_YAML_MAPPING_START;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        return WARDEN_YAML_COLLECTION_END;
    default:
        return WARDEN_YAML_OTHER;
    }
}

void warden_yaml_events_destroy(warden_yaml_events *events)
{
    if (!events) return;
    if (events->has_event) yaml_event_delete(&events->event);
    yaml_parser_delete(&events->parser);
    free(events);
}
