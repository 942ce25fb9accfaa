#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "reading/reading.h"

namespace ntscada {

// Why a point cannot be written in line protocol: a fixed code such as
// "sensor_id_unrepresentable" (the element's name followed by
// "_unrepresentable") and a readable detail.
struct line_protocol_error {
  std::string code;
  std::string detail;
};

// Builds one InfluxDB line protocol line at a time, appended to a caller's
// buffer:
//
//   measurement,tag=value,tag=value field=1.5,flag=true,text="a"
//   1717243200000000000
//
// Escaping follows InfluxDB 1.x and 2.x: commas and spaces in measurement
// names, commas, equals signs and spaces in tag keys, tag values and field
// keys, and double quotes and backslashes in string field values. Other
// backslashes stay literal. Some strings have no line protocol form and
// make the line fail instead of corrupting the buffer:
// - a line feed or carriage return in a measurement, key or tag value,
//   because the server splits lines there;
// - a measurement, key or tag value that ends with a backslash, because the
//   server reads the backslash as escaping the delimiter after it;
// - a measurement that is empty or starts with '#' (a comment line);
// - an empty key, and a float that is not finite.
// A tag with an empty value is left out, as InfluxDB drops such tags.
//
// Usage: begin(), tags in key order (the order InfluxDB stores them in, so
// the server does not sort), fields, then finish(). After the first error
// the remaining calls do nothing and finish() removes the partial line.
class line_builder {
 public:
  explicit line_builder(std::string& out) : out_(out) {}

  line_builder& begin(std::string_view measurement);
  line_builder& tag(std::string_view key, std::string_view value);
  // Writes a float field. Whole numbers are written without an 'i' suffix
  // ("25"), so InfluxDB stores them as floats like every other value of the
  // field and never reports a field type conflict between 25 and 24.6.
  line_builder& field_float(std::string_view key, double value);
  // Writes an integer field with the 'i' suffix, for counts.
  line_builder& field_integer(std::string_view key, std::int64_t value);
  line_builder& field_bool(std::string_view key, bool value);
  line_builder& field_string(std::string_view key, std::string_view value);

  // Ends the line with `timestamp` in nanoseconds (write precision "ns") and
  // a line feed. On error removes what this line appended and returns the
  // first error; a line without fields is an error too.
  result<bool, line_protocol_error> finish(epoch_ns timestamp);

 private:
  bool check(std::string_view element, std::string_view text, bool measurement);
  void field_key(std::string_view key);

  std::string& out_;
  std::size_t line_start_ = 0;
  bool has_fields_ = false;
  std::optional<line_protocol_error> error_;
};

// Appends `text` escaped for a measurement name, a tag key, a tag value or
// a field key, and for the inside of a quoted string field value. Does not
// check for strings that have no line protocol form; line_builder does.
void append_escaped_measurement(std::string& out, std::string_view text);
void append_escaped_key_or_tag_value(std::string& out, std::string_view text);
void append_escaped_string_field(std::string& out, std::string_view text);

}  // namespace ntscada
