#include "reading/reading_parser.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <optional>

#include "reading/json_number.h"
#include "reading/timestamp.h"
#include "reading/units.h"

namespace ntscada {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

constexpr std::size_t kMaxIdBytes = 256;
constexpr std::size_t kMaxTypeBytes = 64;
constexpr std::size_t kMaxUnitBytes = 32;
constexpr std::size_t kMaxQualityBytes = 64;

failure<rejection> reject(reject_reason reason, std::string detail) {
  return failure{rejection{reason, std::move(detail)}};
}

bool is_json_whitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Returns the offset of the first byte that breaks UTF-8, or nullopt.
// Only called after the fast validator has failed, to name the position.
std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    auto byte = static_cast<unsigned char>(text[i]);
    std::size_t length = byte < 0x80           ? 1
                         : (byte >> 5) == 0x6  ? 2
                         : (byte >> 4) == 0xE  ? 3
                         : (byte >> 3) == 0x1E ? 4
                                               : 0;
    if (length == 0 || i + length > text.size()) return i;
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return i;
    }
    // The strict checks (overlong forms, surrogates, > U+10FFFF) are left to
    // simdjson; this only locates the first suspicious sequence.
    i += length;
  }
  return std::nullopt;
}

enum class scan_status { complete, incomplete, mismatched, not_a_container };

struct scan_result {
  scan_status status;
  // One past the closing bracket when complete, the offending bracket when
  // mismatched.
  std::size_t end;
};

// Finds where the top-level object or array that starts at `start` closes,
// honouring strings and escapes. Only brackets are matched: grammar errors
// inside are left to the JSON parser.
scan_result find_container_end(std::string_view json, std::size_t start) {
  if (json[start] != '{' && json[start] != '[') {
    return {scan_status::not_a_container, 0};
  }
  std::string open;  // the brackets still open, innermost last
  bool in_string = false;
  for (std::size_t i = start; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      open.push_back(c);
    } else if (c == '}' || c == ']') {
      if (open.empty() || open.back() != (c == '}' ? '{' : '[')) {
        return {scan_status::mismatched, i};
      }
      open.pop_back();
      if (open.empty()) return {scan_status::complete, i + 1};
    }
  }
  return {scan_status::incomplete, json.size()};
}

// Detects UTF-16 and UTF-32 text by its byte-order mark or by the zero
// bytes that ASCII characters leave beside them.
std::optional<std::string_view> detect_wide_encoding(std::string_view m) {
  auto byte = [&](std::size_t i) {
    return i < m.size() ? static_cast<unsigned char>(m[i]) : 0x100u;
  };
  if (byte(0) == 0xFF && byte(1) == 0xFE) return "UTF-16LE or UTF-32LE";
  if (byte(0) == 0xFE && byte(1) == 0xFF) return "UTF-16BE";
  if (byte(0) == 0x00 && byte(1) == 0x00 && byte(2) == 0xFE) return "UTF-32BE";
  bool ascii0 = byte(0) > 0 && byte(0) < 0x80;
  bool ascii1 = byte(1) > 0 && byte(1) < 0x80;
  if (ascii0 && byte(1) == 0x00) return "UTF-16LE";
  if (byte(0) == 0x00 && ascii1) return "UTF-16BE";
  return std::nullopt;
}

// Finds a C0 control, DEL or a C1 control (U+0080 to U+009F, encoded as
// C2 80 to C2 9F) in valid UTF-8.
std::optional<std::size_t> find_control_character(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) return i;
    if (byte == 0xC2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return i;
    }
  }
  return std::nullopt;
}

std::string_view type_name(element_type type) {
  switch (type) {
    case element_type::ARRAY:
      return "an array";
    case element_type::OBJECT:
      return "an object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      return "a number";
    case element_type::STRING:
      return "a string";
    case element_type::BOOL:
      return "a boolean";
    case element_type::NULL_VALUE:
      return "null";
  }
  return "unknown";
}

double element_to_double(const element& value) {
  switch (value.type()) {
    case element_type::INT64:
      return static_cast<double>(value.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<double>(value.get_uint64().value_unsafe());
    default:
      return value.get_double().value_unsafe();
  }
}

// The members the parser reads, in the order problems are reported.
struct reading_members {
  std::optional<element> sensor_id;
  std::optional<element> sensor_type;
  std::optional<element> value;
  std::optional<element> unit;
  std::optional<element> timestamp;
  std::optional<element> asset_id;
  std::optional<element> quality;
  std::optional<element> anomaly_label;
  std::optional<element> changepoint_label;

  std::optional<element>* find(std::string_view key) {
    if (key == "sensor_id") return &sensor_id;
    if (key == "sensor_type") return &sensor_type;
    if (key == "value") return &value;
    if (key == "unit") return &unit;
    if (key == "timestamp") return &timestamp;
    if (key == "asset_id") return &asset_id;
    if (key == "quality") return &quality;
    if (key == "anomaly_label") return &anomaly_label;
    if (key == "changepoint_label") return &changepoint_label;
    return nullptr;
  }
};

bool is_absent(const std::optional<element>& member) {
  return !member || member->is_null();
}

// Reads a required identifier-like string member: present, a string,
// non-empty, at most `max_bytes` long and free of control characters.
result<std::string, rejection> read_name(const std::optional<element>& member,
                                         std::string_view key,
                                         std::size_t max_bytes,
                                         reject_reason missing,
                                         reject_reason not_string,
                                         reject_reason invalid) {
  if (is_absent(member)) {
    return reject(missing, fmt::format("'{}' is missing or null", key));
  }
  if (!member->is_string()) {
    return reject(not_string, fmt::format("'{}' is {}, expected a string", key,
                                          type_name(member->type())));
  }
  std::string_view text = member->get_string().value_unsafe();
  if (text.empty()) {
    return reject(invalid, fmt::format("'{}' is empty", key));
  }
  if (text.size() > max_bytes) {
    return reject(invalid, fmt::format("'{}' is {} bytes long, at most {} "
                                       "allowed",
                                       key, text.size(), max_bytes));
  }
  if (auto at = find_control_character(text)) {
    return reject(
        invalid,
        fmt::format("'{}' contains a control character at byte {}", key, *at));
  }
  return std::string(text);
}

struct numeric_value {
  double value;
  bool was_string;
};

result<numeric_value, rejection> read_value(
    const std::optional<element>& member) {
  if (is_absent(member)) {
    return reject(reject_reason::value_missing, "'value' is missing or null");
  }
  if (member->is_number())
    return numeric_value{element_to_double(*member), false};
  if (!member->is_string()) {
    return reject(reject_reason::value_not_numeric,
                  fmt::format("'value' is {}, expected a number",
                              type_name(member->type())));
  }
  std::string_view text = member->get_string().value_unsafe();
  parsed_number parsed = parse_json_number(text);
  if (parsed.status == number_parse_status::out_of_range) {
    return reject(reject_reason::value_out_of_range,
                  fmt::format("'value' \"{}\" is outside the range of a "
                              "double",
                              text));
  }
  if (parsed.status != number_parse_status::ok) {
    return reject(
        reject_reason::value_not_numeric,
        fmt::format("'value' string \"{:.40}\" is not a JSON number", text));
  }
  return numeric_value{parsed.value, true};
}

result<epoch_ns, rejection> read_timestamp(
    const std::optional<element>& member) {
  if (is_absent(member)) {
    return reject(reject_reason::timestamp_missing,
                  "'timestamp' is missing or null");
  }
  switch (member->type()) {
    case element_type::STRING:
      return parse_rfc3339(member->get_string().value_unsafe());
    case element_type::INT64:
      return epoch_integer_to_ns(member->get_int64().value_unsafe());
    case element_type::UINT64:
      return epoch_number_to_ns(
          static_cast<double>(member->get_uint64().value_unsafe()));
    case element_type::DOUBLE:
      return epoch_number_to_ns(member->get_double().value_unsafe());
    default:
      return reject(reject_reason::timestamp_invalid,
                    fmt::format("'timestamp' is {}, expected an RFC 3339 "
                                "string or epoch number",
                                type_name(member->type())));
  }
}

// Reads an optional label member: true/false or the numbers 0 and 1.
result<std::optional<bool>, rejection> read_label(
    const std::optional<element>& member, std::string_view key) {
  if (is_absent(member)) return std::optional<bool>{};
  if (member->is_bool()) {
    return std::optional<bool>{member->get_bool().value_unsafe()};
  }
  if (member->is_number()) {
    double number = element_to_double(*member);
    if (number == 0.0 || number == 1.0) {
      return std::optional<bool>{number == 1.0};
    }
  }
  return reject(reject_reason::field_invalid,
                fmt::format("'{}' must be true, false, 0 or 1", key));
}

result<std::optional<std::string>, rejection> read_quality(
    const std::optional<element>& member) {
  if (is_absent(member)) return std::optional<std::string>{};
  if (member->is_int64()) {
    return std::optional<std::string>{
        std::to_string(member->get_int64().value_unsafe())};
  }
  if (member->is_uint64()) {
    return std::optional<std::string>{
        std::to_string(member->get_uint64().value_unsafe())};
  }
  auto name = read_name(
      member, "quality", kMaxQualityBytes, reject_reason::field_invalid,
      reject_reason::field_invalid, reject_reason::field_invalid);
  if (!name) return failure{name.error()};
  return std::optional<std::string>{std::move(name.value())};
}

}  // namespace

reading_parser::reading_parser(reading_parser_options options)
    : options_(options) {}

result<reading, rejection> reading_parser::parse(std::string_view message,
                                                 epoch_ns now) {
  if (message.size() > options_.max_message_bytes) {
    return reject(reject_reason::message_too_large,
                  fmt::format("message is {} bytes, at most {} allowed",
                              message.size(), options_.max_message_bytes));
  }
  if (message.starts_with("\xEF\xBB\xBF")) message.remove_prefix(3);
  if (auto encoding = detect_wide_encoding(message)) {
    return reject(reject_reason::unsupported_encoding,
                  fmt::format("message looks like {} text; readings must be "
                              "UTF-8 JSON",
                              *encoding));
  }

  std::size_t start = 0;
  while (start < message.size() && is_json_whitespace(message[start])) ++start;
  if (start == message.size()) {
    return reject(reject_reason::invalid_json, "message is empty");
  }
  // A control byte first means binary data rather than text in another
  // encoding, so it is invalid JSON; after that the encoding is checked.
  auto first = static_cast<unsigned char>(message[start]);
  if (first < 0x20) {
    return reject(
        reject_reason::invalid_json,
        fmt::format("unexpected byte 0x{:02X} at byte {}", first, start));
  }
  if (!simdjson::validate_utf8(message.data(), message.size())) {
    auto at = find_invalid_utf8(message);
    return reject(
        reject_reason::invalid_utf8,
        fmt::format("invalid UTF-8 sequence at byte {}", at.value_or(0)));
  }
  if (first >= 0x80) {
    return reject(reject_reason::invalid_json,
                  fmt::format("unexpected character at byte {}", start));
  }

  scan_result scan = find_container_end(message, start);
  if (scan.status == scan_status::mismatched) {
    return reject(
        reject_reason::invalid_json,
        fmt::format("mismatched '{}' at byte {}", message[scan.end], scan.end));
  }
  if (scan.status == scan_status::incomplete) {
    return reject(
        reject_reason::invalid_json,
        fmt::format("unexpected end of input at byte {}", message.size()));
  }
  if (scan.status == scan_status::complete) {
    for (std::size_t i = scan.end; i < message.size(); ++i) {
      if (!is_json_whitespace(message[i])) {
        return reject(reject_reason::trailing_data,
                      fmt::format("{} bytes of trailing data after the JSON "
                                  "value that ends at byte {}",
                                  message.size() - scan.end, scan.end));
      }
    }
  }
  return parse_document(message, now);
}

result<reading, rejection> reading_parser::parse_document(std::string_view json,
                                                          epoch_ns now) {
  element root;
  if (auto error = dom_parser_.parse(json.data(), json.size()).get(root)) {
    return failure{classify_parse_error(json, error)};
  }
  simdjson::dom::object object;
  if (root.get(object) != simdjson::SUCCESS) {
    return reject(reject_reason::not_an_object,
                  fmt::format("message is {}, expected a JSON object",
                              type_name(root.type())));
  }

  reading_members members;
  for (auto field : object) {
    std::optional<element>* slot = members.find(field.key);
    if (slot == nullptr) continue;  // unknown members are ignored
    if (slot->has_value()) {
      return reject(
          reject_reason::duplicate_field,
          fmt::format("member '{}' appears more than once", field.key));
    }
    *slot = field.value;
  }

  reading out;
  auto sensor_id = read_name(members.sensor_id, "sensor_id", kMaxIdBytes,
                             reject_reason::sensor_id_missing,
                             reject_reason::sensor_id_not_string,
                             reject_reason::sensor_id_invalid);
  if (!sensor_id) return failure{sensor_id.error()};
  out.sensor_id = std::move(sensor_id.value());

  auto sensor_type = read_name(
      members.sensor_type, "sensor_type", kMaxTypeBytes,
      reject_reason::sensor_type_missing, reject_reason::sensor_type_not_string,
      reject_reason::sensor_type_invalid);
  if (!sensor_type) return failure{sensor_type.error()};
  out.sensor_type = std::move(sensor_type.value());

  auto value = read_value(members.value);
  if (!value) return failure{value.error()};
  out.value_was_string = value->was_string;

  if (!is_absent(members.unit) || options_.require_unit) {
    auto unit = read_name(
        members.unit, "unit", kMaxUnitBytes, reject_reason::unit_missing,
        reject_reason::unit_not_string, reject_reason::unit_unknown);
    if (!unit) return failure{unit.error()};
    auto canonical =
        to_canonical_unit(out.sensor_type, unit.value(), value->value);
    if (!canonical) return failure{canonical.error()};
    if (!std::isfinite(canonical->value)) {
      return reject(reject_reason::value_out_of_range,
                    fmt::format("'value' {} {} overflows a double when "
                                "converted to {}",
                                value->value, unit.value(), canonical->unit));
    }
    out.value = canonical->value;
    out.unit = std::string(canonical->unit);
    if (canonical->converted) {
      out.original_value = value->value;
      out.original_unit = std::move(unit.value());
    }
  } else {
    out.value = value->value;
  }

  auto timestamp = read_timestamp(members.timestamp);
  if (!timestamp) return failure{timestamp.error()};
  out.timestamp = timestamp.value();
  if (out.timestamp < options_.min_timestamp) {
    return reject(
        reject_reason::timestamp_implausible,
        fmt::format("timestamp {} is before {}", format_rfc3339(out.timestamp),
                    format_rfc3339(options_.min_timestamp)));
  }
  if (out.timestamp > now + options_.max_future_skew.count()) {
    return reject(reject_reason::timestamp_in_future,
                  fmt::format("timestamp {} is more than {} s ahead of the "
                              "processing time {}",
                              format_rfc3339(out.timestamp),
                              options_.max_future_skew.count() / 1'000'000'000,
                              format_rfc3339(now)));
  }

  if (!is_absent(members.asset_id)) {
    auto asset_id = read_name(
        members.asset_id, "asset_id", kMaxIdBytes, reject_reason::field_invalid,
        reject_reason::field_invalid, reject_reason::field_invalid);
    if (!asset_id) return failure{asset_id.error()};
    out.asset_id = std::move(asset_id.value());
  }
  auto quality = read_quality(members.quality);
  if (!quality) return failure{quality.error()};
  out.quality = std::move(quality.value());

  auto anomaly = read_label(members.anomaly_label, "anomaly_label");
  if (!anomaly) return failure{anomaly.error()};
  out.labels.anomaly = anomaly.value();
  auto changepoint = read_label(members.changepoint_label, "changepoint_label");
  if (!changepoint) return failure{changepoint.error()};
  out.labels.changepoint = changepoint.value();
  return out;
}

rejection reading_parser::classify_parse_error(std::string_view json,
                                               simdjson::error_code error) {
  rejection invalid{reject_reason::invalid_json,
                    std::string(simdjson::error_message(error))};
  if (error != simdjson::NUMBER_ERROR) {
    return invalid;
  }
  // The DOM parser reports 1e309 and 71582784. alike (NUMBER_ERROR). A
  // grammatical number that overflows double in `value` gets its own reason.
  simdjson::padded_string padded(json);
  simdjson::ondemand::document document;
  if (ondemand_parser_.iterate(padded).get(document)) return invalid;
  simdjson::ondemand::value member;
  if (document.find_field_unordered("value").get(member)) return invalid;
  std::string_view token = member.raw_json_token();
  while (!token.empty() && is_json_whitespace(token.back())) {
    token.remove_suffix(1);
  }
  if (parse_json_number(token).status == number_parse_status::out_of_range) {
    return rejection{
        reject_reason::value_out_of_range,
        fmt::format("'value' {} is outside the range of a double", token)};
  }
  return invalid;
}

}  // namespace ntscada
