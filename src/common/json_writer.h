#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ntscada {

// Appends one JSON object to a string, member by member. Strings are
// written as UTF-8 with '"', '\\' and control characters escaped, so the
// caller must pass valid UTF-8. Doubles use the shortest text that reads
// back to the same value; NaN and infinity, which JSON cannot hold, are
// written as null.
class json_object_writer {
 public:
  explicit json_object_writer(std::string& out);

  json_object_writer& member(std::string_view key, std::string_view value);
  json_object_writer& member(std::string_view key, const char* value) {
    return member(key, std::string_view(value));
  }
  json_object_writer& member(std::string_view key, double value);
  json_object_writer& member(std::string_view key, std::int64_t value);
  json_object_writer& member(std::string_view key, bool value);
  // Writes `raw_json` unchanged; it must be one valid JSON value.
  json_object_writer& raw_member(std::string_view key,
                                 std::string_view raw_json);

  // Closes the object. Must be called exactly once.
  void finish();

 private:
  void key(std::string_view name);

  std::string& out_;
  bool first_ = true;
};

// Appends `text` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view text);

}  // namespace ntscada
