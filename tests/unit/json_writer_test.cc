#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace ntscada {
namespace {

TEST(JsonWriterTest, EscapesSpecialCharacters) {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\te\x01\xC3\xBC");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001\xC3\xBC\"");
}

TEST(JsonWriterTest, WritesMembersInOrder) {
  std::string out;
  json_object_writer(out)
      .member("s", "x")
      .member("d", 0.1)
      .member("i", std::int64_t{-3})
      .member("b", true)
      .raw_member("o", "{}")
      .finish();
  EXPECT_EQ(out, R"({"s":"x","d":0.1,"i":-3,"b":true,"o":{}})");
}

TEST(JsonWriterTest, DoublesRoundTrip) {
  std::string out;
  json_object_writer(out).member("v", 1e308).member("w", 25.0).finish();
  EXPECT_EQ(out, R"({"v":1e+308,"w":25})");
}

}  // namespace
}  // namespace ntscada
