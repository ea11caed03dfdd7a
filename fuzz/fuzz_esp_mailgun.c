/*
 * fuzz_esp_mailgun.c - libFuzzer target for quell_esp_events with
 * QUELL_ESP_MAILGUN; the input is one document, the checks are fuzz_esp.h's.
 */
#define FUZZ_ESP QUELL_ESP_MAILGUN
#include "fuzz_esp.h"
