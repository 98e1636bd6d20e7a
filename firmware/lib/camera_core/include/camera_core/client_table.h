// Per-client flow control for the WebSocket stream (protocol.md: at most 3
// clients, `drops` per client). One frame in flight per client: a new frame
// for a client whose previous send has not completed is skipped and counted,
// never queued, so a slow client cannot make the device buffer frames for it.
// A client whose sends fail kMaxFailures times in a row is dropped.
//
// Not thread-safe: the glue calls it with its core lock held.
#pragma once

#include <cstddef>
#include <cstdint>

#include "camera_core/protocol_limits.h"

namespace camcore {

struct ClientInfo {
  bool active = false;
  int handle = -1;      // the glue's connection handle (socket fd on the device)
  uint32_t number = 0;  // 1, 2, ... in connection order, for `clients`
  char address[48] = {};
  uint32_t frames = 0;   // frames delivered
  uint32_t skipped = 0;  // frames skipped by flow control (status `drops`)
  uint8_t failures = 0;  // consecutive failed sends
  bool in_flight = false;
};

class ClientTable {
 public:
  static constexpr uint8_t kMaxFailures = 3;

  size_t count() const;
  bool full() const { return count() >= kMaxClients; }

  // Registers a connected client; nullptr when full (or the handle is known).
  const ClientInfo* add(int handle, const char* address);
  // Forgets the client; false when unknown.
  bool remove(int handle);
  const ClientInfo* find(int handle) const;
  // Slot i (0..kMaxClients-1), active or not.
  const ClientInfo& slot(size_t i) const { return slots_[i]; }

  // Before sending a frame: true = send it (now in flight); false = the
  // client is busy (or unknown) and the frame is skipped and counted.
  bool begin_frame(int handle);
  // The transport could not even queue the send: not the client's fault,
  // so it counts as a skipped frame, not as a failure.
  void cancel_frame(int handle);
  // Completion of a frame send. Returns true when the client must be closed
  // (kMaxFailures consecutive failures).
  bool finish_frame(int handle, bool ok);

  // Counters for `webstats`.
  void on_message_sent() { ++messages_sent_; }
  void on_rejected() { ++rejected_; }
  uint32_t messages_sent() const { return messages_sent_; }
  uint32_t rejected() const { return rejected_; }
  uint32_t frames_skipped() const { return frames_skipped_; }

 private:
  ClientInfo* lookup(int handle);

  ClientInfo slots_[kMaxClients];
  uint32_t next_number_ = 1;
  uint32_t messages_sent_ = 0;
  uint32_t rejected_ = 0;
  uint32_t frames_skipped_ = 0;
};

}  // namespace camcore
