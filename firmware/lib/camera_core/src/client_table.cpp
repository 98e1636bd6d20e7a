#include "camera_core/client_table.h"

#include <cstring>

namespace camcore {

size_t ClientTable::count() const {
  size_t n = 0;
  for (const ClientInfo& c : slots_) n += c.active ? 1 : 0;
  return n;
}

ClientInfo* ClientTable::lookup(int handle) {
  for (ClientInfo& c : slots_) {
    if (c.active && c.handle == handle) return &c;
  }
  return nullptr;
}

const ClientInfo* ClientTable::find(int handle) const {
  for (const ClientInfo& c : slots_) {
    if (c.active && c.handle == handle) return &c;
  }
  return nullptr;
}

const ClientInfo* ClientTable::add(int handle, const char* address) {
  if (lookup(handle) != nullptr) return nullptr;
  for (ClientInfo& c : slots_) {
    if (c.active) continue;
    c = ClientInfo{};
    c.active = true;
    c.handle = handle;
    c.number = next_number_++;
    std::strncpy(c.address, address ? address : "", sizeof(c.address) - 1);
    c.address[sizeof(c.address) - 1] = '\0';
    return &c;
  }
  return nullptr;
}

bool ClientTable::remove(int handle) {
  ClientInfo* c = lookup(handle);
  if (c == nullptr) return false;
  *c = ClientInfo{};
  return true;
}

bool ClientTable::begin_frame(int handle) {
  ClientInfo* c = lookup(handle);
  if (c == nullptr) return false;
  if (c->in_flight) {
    ++c->skipped;
    ++frames_skipped_;
    return false;
  }
  c->in_flight = true;
  return true;
}

void ClientTable::cancel_frame(int handle) {
  ClientInfo* c = lookup(handle);
  if (c == nullptr) return;
  c->in_flight = false;
  ++c->skipped;
  ++frames_skipped_;
}

bool ClientTable::finish_frame(int handle, bool ok) {
  ClientInfo* c = lookup(handle);
  if (c == nullptr) return false;  // closed while the send was in flight
  c->in_flight = false;
  if (ok) {
    ++c->frames;
    ++messages_sent_;
    c->failures = 0;
    return false;
  }
  if (c->failures < kMaxFailures) ++c->failures;
  return c->failures >= kMaxFailures;
}

}  // namespace camcore
