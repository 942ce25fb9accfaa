#pragma once

#include <array>
#include <string>
#include <string_view>

namespace ntscada {

// The reason a message was not accepted as a reading. Each value has a fixed
// code (see to_code) that appears in dead-letter records and metric labels, so
// codes are stable and never carry free text.
enum class reject_reason {
  message_too_large,
  unsupported_encoding,
  invalid_utf8,
  invalid_json,
  trailing_data,
  not_an_object,
  duplicate_field,
  sensor_id_missing,
  sensor_id_not_string,
  sensor_id_invalid,
  sensor_type_missing,
  sensor_type_not_string,
  sensor_type_invalid,
  value_missing,
  value_not_numeric,
  value_out_of_range,
  unit_missing,
  unit_not_string,
  unit_unknown,
  unit_incompatible,
  timestamp_missing,
  timestamp_invalid,
  timestamp_no_offset,
  timestamp_bad_offset,
  timestamp_implausible,
  timestamp_in_future,
  field_invalid,
};

inline constexpr std::array all_reject_reasons = {
    reject_reason::message_too_large,     reject_reason::unsupported_encoding,
    reject_reason::invalid_utf8,          reject_reason::invalid_json,
    reject_reason::trailing_data,         reject_reason::not_an_object,
    reject_reason::duplicate_field,       reject_reason::sensor_id_missing,
    reject_reason::sensor_id_not_string,  reject_reason::sensor_id_invalid,
    reject_reason::sensor_type_missing,   reject_reason::sensor_type_not_string,
    reject_reason::sensor_type_invalid,   reject_reason::value_missing,
    reject_reason::value_not_numeric,     reject_reason::value_out_of_range,
    reject_reason::unit_missing,          reject_reason::unit_not_string,
    reject_reason::unit_unknown,          reject_reason::unit_incompatible,
    reject_reason::timestamp_missing,     reject_reason::timestamp_invalid,
    reject_reason::timestamp_no_offset,   reject_reason::timestamp_bad_offset,
    reject_reason::timestamp_implausible, reject_reason::timestamp_in_future,
    reject_reason::field_invalid,
};

// Returns the stable snake_case code of `reason`, for example "invalid_json".
std::string_view to_code(reject_reason reason);

// A rejected message: the fixed reason and a readable detail that names the
// offending field or byte position.
struct rejection {
  reject_reason reason;
  std::string detail;
};

}  // namespace ntscada
