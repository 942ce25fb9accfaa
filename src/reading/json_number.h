#pragma once

#include <optional>
#include <string_view>

namespace ntscada {

// Returns true when `text` is exactly one number in JSON grammar
// (RFC 8259, section 6): no sign '+', no leading zeros, no bare '.', no
// surrounding spaces, no NaN or Infinity.
bool is_json_number(std::string_view text);

enum class number_parse_status { ok, not_a_number, out_of_range };

struct parsed_number {
  number_parse_status status;
  double value;
};

// Parses a JSON-grammar number to the nearest double with strtod, which
// reads in the C locale here because the program never changes it. Returns
// out_of_range when the magnitude overflows double (for example 1e309 or
// 1 followed by 400 zeros); underflow rounds towards zero as JSON parsers
// do.
parsed_number parse_json_number(std::string_view text);

}  // namespace ntscada
