#include "reading/json_number.h"

#include <charconv>
#include <cmath>
#include <system_error>

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
  double value = 0.0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(),
                                   value, std::chars_format::general);
  if (ec == std::errc::result_out_of_range) {
    // from_chars reports underflow the same way as overflow; the digits
    // decide which one happened.
    size_t exponent_at = text.find_first_of("eE");
    bool negative_exponent = exponent_at != std::string_view::npos &&
                             exponent_at + 1 < text.size() &&
                             text[exponent_at + 1] == '-';
    if (negative_exponent) return {number_parse_status::ok, 0.0};
    return {number_parse_status::out_of_range, 0.0};
  }
  if (ec != std::errc() || end != text.data() + text.size() ||
      !std::isfinite(value)) {
    return {number_parse_status::out_of_range, 0.0};
  }
  return {number_parse_status::ok, value};
}

}  // namespace ntscada
