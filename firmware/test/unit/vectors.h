// Loads the shared protocol test vectors (test/vectors/*.json), the same
// files the Python tests run, so firmware and emulator cannot drift apart.
#pragma once

#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

namespace camcore_test {

inline nlohmann::json load_vectors(const std::string& name) {
  const std::string path = std::string(CAMCORE_VECTORS_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

// True when every key of `subset` is in `full` with an equal value
// (recursively for objects): "expect.result lists keys/values the result must contain".
inline bool json_contains(const nlohmann::json& full, const nlohmann::json& subset) {
  if (!subset.is_object()) return full == subset;
  if (!full.is_object()) return false;
  for (auto it = subset.begin(); it != subset.end(); ++it) {
    if (!full.contains(it.key()) || !json_contains(full[it.key()], it.value())) return false;
  }
  return true;
}

}  // namespace camcore_test
