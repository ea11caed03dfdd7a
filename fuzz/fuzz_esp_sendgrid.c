/*
 * fuzz_esp_sendgrid.c - libFuzzer target for quell_esp_events with
 * QUELL_ESP_SENDGRID; the input is one document, the checks are fuzz_esp.h's.
 */
#define FUZZ_ESP QUELL_ESP_SENDGRID
#include "fuzz_esp.h"
