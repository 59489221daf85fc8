#ifndef CWARDENYAML_H
#define CWARDENYAML_H

#include <stddef.h>

/*
 * libyaml's event stream, the one thing WardenCore needs from libyaml that Yams does not offer:
 * YAMLInput.swift counts nodes with aliases expanded from these events, so a "billion laughs"
 * document is refused before Yams composes (and expands, and hashes) anything.
 */

typedef enum {
    /* A syntax error: the caller stops here (Yams' composer reports it with a better message). */
    WARDEN_YAML_FAILED = -1,
    WARDEN_YAML_STREAM_END = 0,
    WARDEN_YAML_DOCUMENT_START,
    WARDEN_YAML_SCALAR,
    WARDEN_YAML_ALIAS,
    WARDEN_YAML_SEQUENCE_START,
    WARDEN_YAML_MAPPING_START,
    /* The end of a sequence or a mapping. */
    WARDEN_YAML_COLLECTION_END,
    /* Stream start, document end. */
    WARDEN_YAML_OTHER,
} warden_yaml_event_kind;

typedef struct warden_yaml_events warden_yaml_events;

/* Events of UTF-8 `input` (not copied: it must outlive the events); NULL if out of memory. */
warden_yaml_events *warden_yaml_events_create(const unsigned char *input, size_t size);

/*
 * The next event. `anchor` is set to the event's anchor (a scalar's or a collection start's) or
 * an alias's target, NUL-terminated, NULL when there is none; it stays valid until the next call.
 * `line` is set to the parser's 0-based line after the event.
 */
warden_yaml_event_kind warden_yaml_events_next(warden_yaml_events *events, const char **anchor, size_t *line);

void warden_yaml_events_destroy(warden_yaml_events *events);

#endif
