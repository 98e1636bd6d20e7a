// HTTP + WebSocket server on port 8080 (esp_http_server): the page at `/`,
// the stream on `/` with an upgrade, at most 3 viewers, one frame in flight
// per viewer with asynchronous sends.
//
// Refusing the 4th viewer *before* the upgrade: esp_http_server answers the
// handshake (101) itself before it calls a WebSocket URI's handler, so the
// handler cannot refuse with a status code. Instead the server keeps exactly
// one GET handler for `/` and swaps it: while a viewer slot is free it is the
// WebSocket handler; when 3 viewers are connected (or after `webstop`) it is
// a plain handler that serves the page and answers upgrade requests with
// 503 + `X-Reject-Reason: max-clients` (or `server-stopped`). The swap runs
// on the server task (httpd_queue_work) whenever the viewer count or the
// running state changes. An upgrade that slips in before a queued swap runs
// is closed right after the handshake with close code 1013 (try again later).
#pragma once

#include <cstddef>
#include <cstdint>

namespace cam {

// WebSocket close codes the device uses (RFC 6455, 7.4 / IANA registry).
enum class CloseCode : uint16_t {
  GoingAway = 1001,       // `webstop`
  ServiceRestart = 1012,  // `reset` (docs/protocol.md)
  TryAgainLater = 1013,   // upgrade that raced past the viewer limit
};

bool web_begin();

// The functions below expect the core lock (CoreLock) to be held.

// `webstart` / `webstop`: accept or refuse viewers; stopping closes the
// current ones (close code 1001).
void web_set_accepting(bool accepting);
// `wstest`: queues {"type":"test"} to every viewer; returns how many.
int web_broadcast_test();
// Offers a frame slot (already holding JPEG + metadata) to every viewer
// that has no frame in flight; the others skip it (counted).
void web_send_frame(int slot, const uint8_t* data, size_t len);
// Closes every viewer with the given WebSocket close code.
void web_close_all(CloseCode code);
// Once a second: reclaims sends whose completion was lost, then sends the
// status message to every viewer (each with its own `drops`). Takes the lock.
void web_send_status(uint64_t now_us);

}  // namespace cam
