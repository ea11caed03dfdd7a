/*
 * fuzz_esp_postmark.c - libFuzzer target for quell_esp_events with
 * QUELL_ESP_POSTMARK; the input is one document, the checks are fuzz_esp.h's.
 */
#define FUZZ_ESP QUELL_ESP_POSTMARK
#include "fuzz_esp.h"
