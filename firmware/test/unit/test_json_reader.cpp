#include <gtest/gtest.h>

#include <string>

#include "camera_core/json_reader.h"

using camcore::FlatJsonReader;
using camcore::JsonError;
using camcore::JsonType;

namespace {

JsonError parse(FlatJsonReader& r, const std::string& s) { return r.parse(s.data(), s.size()); }

TEST(JsonReader, ReadsScalarMembers) {
  FlatJsonReader r;
  ASSERT_EQ(parse(r, R"( {"cmd":"quality", "arg" : -12, "b":true, "n":null, "f":1.5} )"),
            JsonError::None);
  ASSERT_EQ(r.size(), 5u);
  EXPECT_EQ(std::string(r.find("cmd")->str), "quality");
  EXPECT_EQ(r.find("arg")->type, JsonType::Integer);
  EXPECT_EQ(r.find("arg")->integer, -12);
  EXPECT_TRUE(r.find("b")->boolean);
  EXPECT_EQ(r.find("n")->type, JsonType::Null);
  EXPECT_EQ(r.find("f")->type, JsonType::Number);
  EXPECT_EQ(r.find("missing"), nullptr);
}

TEST(JsonReader, DecodesEscapes) {
  FlatJsonReader r;
  ASSERT_EQ(parse(r, R"({"s":"a\"b\\c\/\n\u00e9\ud83d\ude00","z":"x\u0000y"})"), JsonError::None);
  EXPECT_EQ(std::string(r.find("s")->str, r.find("s")->len), "a\"b\\c/\n\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(r.find("z")->len, 3u);  // embedded NUL kept, length-delimited
}

TEST(JsonReader, IntegersVersusOtherNumbers) {
  FlatJsonReader r;
  ASSERT_EQ(parse(r, R"({"a":9223372036854775807,"b":-9223372036854775808,"c":9223372036854775808,"d":1e2,"e":10.0,"f":-0})"),
            JsonError::None);
  EXPECT_EQ(r.find("a")->integer, INT64_MAX);
  EXPECT_EQ(r.find("b")->integer, INT64_MIN);
  EXPECT_EQ(r.find("c")->type, JsonType::Number);  // out of range: not an integer
  EXPECT_EQ(r.find("d")->type, JsonType::Number);
  EXPECT_EQ(r.find("e")->type, JsonType::Number);  // 10.0 is not an int, as in Python
  EXPECT_EQ(r.find("f")->integer, 0);
}

TEST(JsonReader, NestedValuesAreValidatedButNotStored) {
  FlatJsonReader r;
  ASSERT_EQ(parse(r, R"({"arg":[1,{"x":[true,null,"s"]}],"cmd":"stop"})"), JsonError::None);
  EXPECT_EQ(r.find("arg")->type, JsonType::Container);
  EXPECT_EQ(std::string(r.find("cmd")->str), "stop");
  EXPECT_EQ(parse(r, R"({"arg":[1,,2]})"), JsonError::Syntax);
  EXPECT_EQ(parse(r, R"({"arg":[1}})"), JsonError::Syntax);
  EXPECT_EQ(parse(r, R"({"arg":[[[[[[[[[[1]]]]]]]]]]})"), JsonError::TooDeep);
}

TEST(JsonReader, RejectsWhatPythonRejects) {
  FlatJsonReader r;
  for (const char* bad : {"", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{,}", "{\"a\":01}",
                          "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":Infinity}", "{\"a\":1.}",
                          "{\"a\":.5}", "{\"a\":1e}", "{\"a\":tru}", "{'a':1}", "{\"a\":1} x",
                          "{\"a\":\"\x01\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}",
                          "{\"a\":\"\\udc00\"}", "{\"a\":\"\\u12G4\"}", "{\"a\":\"open}"}) {
    EXPECT_NE(parse(r, bad), JsonError::None) << bad;
    EXPECT_EQ(r.size(), 0u) << bad;
  }
}

TEST(JsonReader, ClassifiesFailures) {
  FlatJsonReader r;
  EXPECT_EQ(parse(r, R"(["stop"])"), JsonError::NotObject);
  EXPECT_EQ(parse(r, R"("stop")"), JsonError::NotObject);
  EXPECT_EQ(parse(r, R"({"a":1,"a":2})"), JsonError::DuplicateKey);
  EXPECT_EQ(parse(r, R"({"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9})"),
            JsonError::TooManyFields);
  EXPECT_EQ(parse(r, std::string(513, ' ')), JsonError::TooLong);
}

TEST(JsonReader, LongestInputFitsTheArena) {
  // One string member filling all 512 bytes: the decoded copy must fit.
  std::string s = "{\"k\":\"" + std::string(512 - 8, 'x') + "\"}";
  ASSERT_EQ(s.size(), 512u);
  FlatJsonReader r;
  ASSERT_EQ(parse(r, s), JsonError::None);
  EXPECT_EQ(r.find("k")->len, 504u);
}

TEST(JsonReader, ReusableAfterAFailure) {
  FlatJsonReader r;
  EXPECT_NE(parse(r, R"({"cmd":"stop",)"), JsonError::None);
  ASSERT_EQ(parse(r, R"({"cmd":"start"})"), JsonError::None);
  EXPECT_EQ(std::string(r.find("cmd")->str), "start");
}

}  // namespace
