#include "reading/json_number.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace ntscada {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

size_t skip_digits(std::string_view text, size_t pos) {
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  return pos;
}

}  // namespace

bool is_json_number(std::string_view text) {
  size_t pos = 0;
  if (pos < text.size() && text[pos] == '-') ++pos;
  if (pos >= text.size()) return false;
  if (text[pos] == '0') {
    ++pos;
  } else if (is_digit(text[pos])) {
    pos = skip_digits(text, pos);
  } else {
    return false;
  }
  if (pos < text.size() && text[pos] == '.') {
    size_t end = skip_digits(text, pos + 1);
    if (end == pos + 1) return false;
    pos = end;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    ++pos;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) ++pos;
    size_t end = skip_digits(text, pos);
    if (end == pos) return false;
    pos = end;
  }
  return pos == text.size();
}

parsed_number parse_json_number(std::string_view text) {
  if (!is_json_number(text)) return {number_parse_status::not_a_number, 0.0};
  // strtod distinguishes overflow (a result of +-HUGE_VAL) from underflow (a
  // result at or near 0), which from_chars reports alike; it needs a
  // terminator.
  std::string terminated(text);
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(terminated.c_str(), &end);
  if (end != terminated.c_str() + terminated.size()) {
    return {number_parse_status::not_a_number, 0.0};
  }
  if (!std::isfinite(value)) return {number_parse_status::out_of_range, 0.0};
  return {number_parse_status::ok, value};
}

}  // namespace ntscada
