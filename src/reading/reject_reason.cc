#include "reading/reject_reason.h"

namespace ntscada {

std::string_view to_code(reject_reason reason) {
  switch (reason) {
    case reject_reason::message_too_large:
      return "message_too_large";
    case reject_reason::unsupported_encoding:
      return "unsupported_encoding";
    case reject_reason::invalid_utf8:
      return "invalid_utf8";
    case reject_reason::invalid_json:
      return "invalid_json";
    case reject_reason::trailing_data:
      return "trailing_data";
    case reject_reason::not_an_object:
      return "not_an_object";
    case reject_reason::duplicate_field:
      return "duplicate_field";
    case reject_reason::sensor_id_missing:
      return "sensor_id_missing";
    case reject_reason::sensor_id_not_string:
      return "sensor_id_not_string";
    case reject_reason::sensor_id_invalid:
      return "sensor_id_invalid";
    case reject_reason::sensor_type_missing:
      return "sensor_type_missing";
    case reject_reason::sensor_type_not_string:
      return "sensor_type_not_string";
    case reject_reason::sensor_type_invalid:
      return "sensor_type_invalid";
    case reject_reason::value_missing:
      return "value_missing";
    case reject_reason::value_not_numeric:
      return "value_not_numeric";
    case reject_reason::value_out_of_range:
      return "value_out_of_range";
    case reject_reason::unit_missing:
      return "unit_missing";
    case reject_reason::unit_not_string:
      return "unit_not_string";
    case reject_reason::unit_unknown:
      return "unit_unknown";
    case reject_reason::unit_incompatible:
      return "unit_incompatible";
    case reject_reason::timestamp_missing:
      return "timestamp_missing";
    case reject_reason::timestamp_invalid:
      return "timestamp_invalid";
    case reject_reason::timestamp_no_offset:
      return "timestamp_no_offset";
    case reject_reason::timestamp_bad_offset:
      return "timestamp_bad_offset";
    case reject_reason::timestamp_implausible:
      return "timestamp_implausible";
    case reject_reason::timestamp_in_future:
      return "timestamp_in_future";
    case reject_reason::field_invalid:
      return "field_invalid";
  }
  return "unknown";
}

}  // namespace ntscada
