#include "influx/line_protocol.h"

#include <fmt/format.h>

#include <cmath>

namespace ntscada {

void append_escaped_measurement(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == ',' || c == ' ') out.push_back('\\');
    out.push_back(c);
  }
}

void append_escaped_key_or_tag_value(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == ',' || c == '=' || c == ' ') out.push_back('\\');
    out.push_back(c);
  }
}

void append_escaped_string_field(std::string& out, std::string_view text) {
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
}

line_builder& line_builder::begin(std::string_view measurement) {
  line_start_ = out_.size();
  has_fields_ = false;
  error_.reset();
  if (!check("measurement", measurement, true)) return *this;
  append_escaped_measurement(out_, measurement);
  return *this;
}

line_builder& line_builder::tag(std::string_view key, std::string_view value) {
  if (error_ || value.empty()) return *this;
  if (has_fields_) {
    error_ = line_protocol_error{
        "tag_after_field",
        fmt::format("tag {} added after the first field", key)};
    return *this;
  }
  if (!check(key, key, false) || !check(key, value, false)) return *this;
  out_.push_back(',');
  append_escaped_key_or_tag_value(out_, key);
  out_.push_back('=');
  append_escaped_key_or_tag_value(out_, value);
  return *this;
}

line_builder& line_builder::field_float(std::string_view key, double value) {
  if (error_ || !check(key, key, false)) return *this;
  if (!std::isfinite(value)) {
    error_ = line_protocol_error{
        fmt::format("{}_not_finite", key),
        fmt::format("field {} is {}, which line protocol cannot carry", key,
                    value)};
    return *this;
  }
  field_key(key);
  // The shortest text that parses back to the same double: "25", "24.6",
  // "1e-07". Without a suffix InfluxDB parses every form as a float.
  fmt::format_to(std::back_inserter(out_), "{}", value);
  return *this;
}

line_builder& line_builder::field_integer(std::string_view key,
                                          std::int64_t value) {
  if (error_ || !check(key, key, false)) return *this;
  field_key(key);
  fmt::format_to(std::back_inserter(out_), "{}i", value);
  return *this;
}

line_builder& line_builder::field_bool(std::string_view key, bool value) {
  if (error_ || !check(key, key, false)) return *this;
  field_key(key);
  out_ += value ? "true" : "false";
  return *this;
}

line_builder& line_builder::field_string(std::string_view key,
                                         std::string_view value) {
  if (error_ || !check(key, key, false)) return *this;
  field_key(key);
  out_.push_back('"');
  append_escaped_string_field(out_, value);
  out_.push_back('"');
  return *this;
}

result<bool, line_protocol_error> line_builder::finish(epoch_ns timestamp) {
  if (!error_ && !has_fields_) {
    error_ =
        line_protocol_error{"no_fields", "a point needs at least one field"};
  }
  if (error_) {
    out_.resize(line_start_);
    return failure{*error_};
  }
  fmt::format_to(std::back_inserter(out_), " {}\n", timestamp);
  return true;
}

bool line_builder::check(std::string_view element, std::string_view text,
                         bool measurement) {
  if (error_) return false;
  auto fail = [&](std::string_view problem) {
    error_ = line_protocol_error{
        fmt::format("{}_unrepresentable", element),
        fmt::format("{} {:?} {}, which line protocol cannot represent", element,
                    text, problem)};
    return false;
  };
  if (text.empty()) return fail("is empty");
  if (text.find_first_of("\n\r") != std::string_view::npos) {
    return fail("contains a line break");
  }
  if (text.back() == '\\') return fail("ends with a backslash");
  if (measurement && text.front() == '#') return fail("starts with '#'");
  return true;
}

void line_builder::field_key(std::string_view key) {
  out_.push_back(has_fields_ ? ',' : ' ');
  has_fields_ = true;
  append_escaped_key_or_tag_value(out_, key);
  out_.push_back('=');
}

}  // namespace ntscada
