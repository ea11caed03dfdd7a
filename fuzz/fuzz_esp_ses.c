/*
 * fuzz_esp_ses.c - libFuzzer target for quell_esp_events with
 * QUELL_ESP_SES; the input is one document, the checks are fuzz_esp.h's.
 */
#define FUZZ_ESP QUELL_ESP_SES
#include "fuzz_esp.h"
