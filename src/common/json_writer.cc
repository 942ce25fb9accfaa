#include "common/json_writer.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <iterator>

namespace ntscada {

namespace {

bool needs_escape(char c) {
  return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (!needs_escape(c)) continue;
    // Copy the run of characters that need no escape in one append.
    out.append(text.data() + start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}",
                       static_cast<unsigned>(c));
    }
  }
  out.append(text.data() + start, text.size() - start);
  out.push_back('"');
}

json_object_writer::json_object_writer(std::string& out) : out_(out) {
  out_.push_back('{');
}

void json_object_writer::key(std::string_view name) {
  if (!first_) out_.push_back(',');
  first_ = false;
  append_json_string(out_, name);
  out_.push_back(':');
}

json_object_writer& json_object_writer::member(std::string_view name,
                                               std::string_view value) {
  key(name);
  append_json_string(out_, value);
  return *this;
}

json_object_writer& json_object_writer::member(std::string_view name,
                                               double value) {
  key(name);
  if (!std::isfinite(value)) {
    // JSON has no NaN or infinity; callers validate values first, so this
    // only keeps a bug from producing unparsable records.
    out_ += "null";
    return *this;
  }
  char buffer[32];
  // Magnitudes of 1e16 and above are written with an exponent, because a
  // long integer form (123456789012345683968) can exceed 64 bits, which
  // some JSON parsers reject.
  auto format = std::fabs(value) >= 1e16 ? std::chars_format::scientific
                                         : std::chars_format{};
  auto [end, ec] =
      format == std::chars_format{}
          ? std::to_chars(buffer, buffer + sizeof buffer, value)
          : std::to_chars(buffer, buffer + sizeof buffer, value, format);
  out_.append(buffer, end);
  return *this;
}

json_object_writer& json_object_writer::member(std::string_view name,
                                               std::int64_t value) {
  key(name);
  fmt::format_to(std::back_inserter(out_), "{}", value);
  return *this;
}

json_object_writer& json_object_writer::member(std::string_view name,
                                               bool value) {
  key(name);
  out_ += value ? "true" : "false";
  return *this;
}

json_object_writer& json_object_writer::raw_member(std::string_view name,
                                                   std::string_view raw_json) {
  key(name);
  out_ += raw_json;
  return *this;
}

void json_object_writer::finish() { out_.push_back('}'); }

}  // namespace ntscada
