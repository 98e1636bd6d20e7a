// The USB serial console (docs/protocol.md): human commands ("quality 10")
// answered with readable lines, JSON commands (a line starting with '{')
// answered with exactly one reply line. No token on serial: physical access
// to the port is trusted.
#pragma once

namespace cam {

// Reads what is available without blocking; call from loop().
void serial_poll();

}  // namespace cam
