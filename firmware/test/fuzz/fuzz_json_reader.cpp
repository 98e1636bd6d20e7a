// libFuzzer harness for camcore::FlatJsonReader.
//
// Besides memory safety (ASan/UBSan), it checks the reader against
// nlohmann::json: whatever the bounded reader accepts must be valid JSON
// with the same member values (it may refuse more: duplicates, depth,
// member count, non-objects).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "camera_core/json_reader.h"

namespace {

void check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static camcore::FlatJsonReader reader;  // reused, as the device reuses its one reader
  const char* text = reinterpret_cast<const char*>(data);
  const camcore::JsonError error = reader.parse(text, size);
  if (error != camcore::JsonError::None) {
    check(reader.size() == 0);
    return 0;
  }
  check(size <= camcore::FlatJsonReader::kMaxInput);
  // nlohmann refuses invalid UTF-8, which the device passes through untouched.
  const nlohmann::json doc = nlohmann::json::parse(text, text + size, nullptr, false);
  if (doc.is_discarded()) return 0;
  check(doc.is_object());
  check(doc.size() == reader.size());
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const camcore::JsonValue* v = reader.find(it.key().c_str());
    if (it.key().find('\0') != std::string::npos) continue;  // find() takes C strings
    check(v != nullptr);
    const nlohmann::json& j = it.value();
    switch (v->type) {
      case camcore::JsonType::String:
        check(j.is_string() && j.get<std::string>() == std::string(v->str, v->len));
        break;
      case camcore::JsonType::Integer:
        check(j.is_number_integer() && j.get<int64_t>() == v->integer);
        break;
      case camcore::JsonType::Bool:
        check(j.is_boolean() && j.get<bool>() == v->boolean);
        break;
      case camcore::JsonType::Null:
        check(j.is_null());
        break;
      case camcore::JsonType::Container:
        check(j.is_structured());
        break;
      case camcore::JsonType::Number:
        check(j.is_number());
        break;
    }
  }
  return 0;
}
