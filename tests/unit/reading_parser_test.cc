#include "reading/reading_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace ntscada {
namespace {

// 2024-06-01T12:00:00Z, the base message's timestamp, in nanoseconds.
constexpr epoch_ns kBaseTime = 1'717'243'200'000'000'000;
// Processing time for the tests: one day after the base timestamp.
constexpr epoch_ns kNow = kBaseTime + 86'400'000'000'000;

const std::string kBase =
    R"({"sensor_id":"pump-07/temp","sensor_type":"temperature","value":41.2,)"
    R"("unit":"C","timestamp":1717243200000})";

// Returns the base message with `member` (e.g. "\"value\":NaN") in place of
// the member that has the same key.
std::string with_member(std::string_view key, std::string_view replacement) {
  std::string message = kBase;
  std::string needle = "\"" + std::string(key) + "\":";
  auto start = message.find(needle);
  auto end = message.find_first_of(",}", start + needle.size());
  if (message[start + needle.size()] == '"') {
    end = message.find('"', start + needle.size() + 1) + 1;
  }
  message.replace(start, end - start, replacement);
  return message;
}

std::string without_member(std::string_view key) {
  std::string message = with_member(key, "");
  auto doubled = message.find(",,");
  if (doubled != std::string::npos) message.erase(doubled, 1);
  if (message.ends_with(",}")) message.erase(message.size() - 2, 1);
  if (message.starts_with("{,")) message.erase(1, 1);
  return message;
}

class ReadingParserTest : public ::testing::Test {
 protected:
  result<reading, rejection> parse(std::string_view message,
                                   epoch_ns now = kNow) {
    return parser_.parse(message, now);
  }
  // Returns the reason code of a rejection, or "accepted".
  std::string reason_of(std::string_view message, epoch_ns now = kNow) {
    auto parsed = parse(message, now);
    if (parsed) return "accepted";
    return std::string(to_code(parsed.error().reason));
  }

  reading_parser parser_;
};

TEST_F(ReadingParserTest, BaseMessageAccepted) {
  auto parsed = parse(kBase);
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->sensor_id, "pump-07/temp");
  EXPECT_EQ(parsed->sensor_type, "temperature");
  EXPECT_DOUBLE_EQ(parsed->value, 41.2);
  EXPECT_EQ(parsed->unit, "C");
  EXPECT_EQ(parsed->timestamp, kBaseTime);
  EXPECT_FALSE(parsed->asset_id.has_value());
  EXPECT_FALSE(parsed->value_was_string);
}

TEST_F(ReadingParserTest, OptionalMembersRead) {
  auto parsed = parse(
      R"({"sensor_id":"a/1","sensor_type":"pressure","value":2,"unit":"bar",)"
      R"("timestamp":1717243200000,"asset_id":"pump-07","quality":"good",)"
      R"("anomaly_label":1,"changepoint_label":false})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->asset_id, "pump-07");
  EXPECT_EQ(parsed->quality, "good");
  EXPECT_EQ(parsed->labels.anomaly, true);
  EXPECT_EQ(parsed->labels.changepoint, false);
}

struct reason_case {
  std::string name;
  std::string message;
  std::string reason;
};

class ReadingParserReasonTest
    : public ReadingParserTest,
      public ::testing::WithParamInterface<reason_case> {};

TEST_P(ReadingParserReasonTest, ReasonMatches) {
  const reason_case& c = GetParam();
  EXPECT_EQ(reason_of(c.message), c.reason) << c.message;
}

std::string truncated_f02() { return R"({"sensor_id":"t-1","value":)"; }

std::string utf16le(std::string_view text) {
  std::string out = "\xFF\xFE";
  for (char c : text) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Messages, ReadingParserReasonTest,
    ::testing::Values(
        // Poison messages: truncated JSON and binary junk.
        reason_case{"truncated_json", truncated_f02(), "invalid_json"},
        reason_case{"binary_junk", std::string("\x00\xFF\xFE\x7B", 4),
                    "invalid_json"},
        // Bare NaN and Infinity, and overflow.
        reason_case{"bare_NaN", with_member("value", "\"value\":NaN"),
                    "invalid_json"},
        reason_case{"bare_nan", with_member("value", "\"value\":nan"),
                    "invalid_json"},
        reason_case{"bare_minus_infinity",
                    with_member("value", "\"value\":-Infinity"),
                    "invalid_json"},
        reason_case{"overflowing_number",
                    with_member("value", "\"value\":1e309"),
                    "value_out_of_range"},
        reason_case{"overflowing_negative",
                    with_member("value", "\"value\":-1e309"),
                    "value_out_of_range"},
        reason_case{"largest_finite_order",
                    with_member("value", "\"value\":1e308"), "accepted"},
        // Numbers as strings.
        reason_case{"numeric_string",
                    with_member("value", "\"value\":\"23.5\""), "accepted"},
        reason_case{"string_N", with_member("value", "\"value\":\"N\""),
                    "value_not_numeric"},
        reason_case{"string_digit_garbled",
                    with_member("value", "\"value\":\"3N7.39\""),
                    "value_not_numeric"},
        reason_case{"string_numeric_prefix",
                    with_member("value", "\"value\":\"23.5abc\""),
                    "value_not_numeric"},
        reason_case{"string_empty", with_member("value", "\"value\":\"\""),
                    "value_not_numeric"},
        reason_case{"string_leading_space",
                    with_member("value", "\"value\":\" 23.5\""),
                    "value_not_numeric"},
        reason_case{"string_overflowing",
                    with_member("value", "\"value\":\"1e309\""),
                    "value_out_of_range"},
        reason_case{"boolean_value", with_member("value", "\"value\":true"),
                    "value_not_numeric"},
        reason_case{"array_value", with_member("value", "\"value\":[1]"),
                    "value_not_numeric"},
        reason_case{"trailing_dot_number",
                    with_member("value", "\"value\":71582784."),
                    "invalid_json"},
        // Encodings and trailing data.
        reason_case{"utf8_bom", "\xEF\xBB\xBF" + kBase, "accepted"},
        reason_case{"invalid_byte_first", "\xFF" + kBase, "invalid_utf8"},
        reason_case{"non_ascii_first", "\xC3\xBC" + kBase, "invalid_json"},
        reason_case{"mismatched_brackets", R"({"sensor_id":"a"])",
                    "invalid_json"},
        reason_case{"mismatched_nested", R"({"a":[1,2}})", "invalid_json"},
        reason_case{"two_objects", kBase + kBase, "trailing_data"},
        reason_case{"trailing_text", kBase + " xyz", "trailing_data"},
        reason_case{"trailing_newline", kBase + "\n", "accepted"},
        reason_case{"invalid_utf8_byte",
                    with_member("sensor_id", "\"sensor_id\":\"kessel\xFF\""),
                    "invalid_utf8"},
        reason_case{"overlong_utf8",
                    with_member("sensor_id", "\"sensor_id\":\"a\xC0\xAF\""),
                    "invalid_utf8"},
        reason_case{"utf16le_with_bom", utf16le(kBase), "unsupported_encoding"},
        reason_case{"utf16be_bom", "\xFE\xFF" + kBase, "unsupported_encoding"},
        // Missing members, null and wrong types.
        reason_case{"value_null", with_member("value", "\"value\":null"),
                    "value_missing"},
        reason_case{"value_absent", without_member("value"), "value_missing"},
        reason_case{"timestamp_absent", without_member("timestamp"),
                    "timestamp_missing"},
        reason_case{"unit_absent", without_member("unit"), "unit_missing"},
        reason_case{
            "numeric_sensor_id",
            with_member("sensor_id", "\"sensor_id\":2882429806056571124"),
            "sensor_id_not_string"},
        reason_case{
            "numeric_sensor_id_next",
            with_member("sensor_id", "\"sensor_id\":2882429806056571125"),
            "sensor_id_not_string"},
        reason_case{"unknown_member_ignored",
                    with_member("unit", "\"unit\":\"C\",\"fw\":\"1.2.3\""),
                    "accepted"},
        reason_case{"sensor_id_absent", without_member("sensor_id"),
                    "sensor_id_missing"},
        reason_case{"sensor_id_empty",
                    with_member("sensor_id", "\"sensor_id\":\"\""),
                    "sensor_id_invalid"},
        reason_case{"sensor_id_newline",
                    with_member("sensor_id", "\"sensor_id\":\"multi\\nline\""),
                    "sensor_id_invalid"},
        reason_case{"sensor_id_too_long",
                    with_member("sensor_id", "\"sensor_id\":\"" +
                                                 std::string(257, 'x') + "\""),
                    "sensor_id_invalid"},
        reason_case{"sensor_type_absent", without_member("sensor_type"),
                    "sensor_type_missing"},
        reason_case{"sensor_type_number",
                    with_member("sensor_type", "\"sensor_type\":7"),
                    "sensor_type_not_string"},
        reason_case{
            "sensor_type_newline",
            with_member("sensor_type", "\"sensor_type\":\"temp\\nerature\""),
            "sensor_type_invalid"},
        reason_case{"unit_number", with_member("unit", "\"unit\":1"),
                    "unit_not_string"},
        reason_case{"duplicate_value",
                    with_member("unit", "\"unit\":\"C\",\"value\":99"),
                    "duplicate_field"},
        reason_case{"top_level_array", "[" + kBase + "]", "not_an_object"},
        reason_case{"top_level_number", "42", "not_an_object"},
        reason_case{"empty_message", "", "invalid_json"},
        reason_case{"whitespace_message", " \n", "invalid_json"},
        reason_case{"bad_label",
                    with_member("unit", "\"unit\":\"C\",\"anomaly_label\":2"),
                    "field_invalid"},
        reason_case{"asset_id_number",
                    with_member("unit", "\"unit\":\"C\",\"asset_id\":5"),
                    "field_invalid"},
        // Timestamps.
        reason_case{"epoch_zero", with_member("timestamp", "\"timestamp\":0"),
                    "timestamp_implausible"},
        reason_case{"epoch_negative",
                    with_member("timestamp", "\"timestamp\":-5"),
                    "timestamp_implausible"},
        reason_case{
            "rfc3339_no_offset",
            with_member("timestamp", "\"timestamp\":\"2024-06-01T14:00:00\""),
            "timestamp_no_offset"},
        reason_case{"rfc3339_offset_without_colon",
                    with_member("timestamp",
                                "\"timestamp\":\"2024-06-01T14:00:00+0200\""),
                    "timestamp_bad_offset"},
        reason_case{"timestamp_bool",
                    with_member("timestamp", "\"timestamp\":true"),
                    "timestamp_invalid"},
        reason_case{
            "timestamp_bad_date",
            with_member("timestamp", "\"timestamp\":\"2024-02-30T14:00:00Z\""),
            "timestamp_invalid"},
        reason_case{"timestamp_digits_string",
                    with_member("timestamp", "\"timestamp\":\"1717243200000\""),
                    "timestamp_invalid"},
        // Units.
        reason_case{"bar_for_temperature",
                    with_member("unit", "\"unit\":\"bar\""),
                    "unit_incompatible"},
        reason_case{"unknown_unit", with_member("unit", "\"unit\":\"deg\""),
                    "unit_unknown"},
        reason_case{"degF_accepted", with_member("unit", "\"unit\":\"degF\""),
                    "accepted"}),
    [](const ::testing::TestParamInfo<reason_case>& param_info) {
      return param_info.param.name;
    });

TEST_F(ReadingParserTest, OversizedMessageRejected) {
  reading_parser small(reading_parser_options{.max_message_bytes = 64});
  auto parsed = small.parse(kBase, kNow);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().reason, reject_reason::message_too_large);
  EXPECT_NE(parsed.error().detail.find(std::to_string(kBase.size())),
            std::string::npos);
}

TEST_F(ReadingParserTest, TruncatedDetailNamesByte) {
  auto parsed = parse(truncated_f02());
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().detail, "unexpected end of input at byte 27");
}

TEST_F(ReadingParserTest, InvalidUtf8DetailNamesByte) {
  std::string message = R"({"sensor_id":"kessel)"
                        "\xFF"
                        R"(","sensor_type":"temperature","value":1})";
  auto parsed = parse(message);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().reason, reject_reason::invalid_utf8);
  EXPECT_EQ(parsed.error().detail, "invalid UTF-8 sequence at byte 20");
}

TEST_F(ReadingParserTest, BomGivesSameReading) {
  auto plain = parse(kBase);
  auto with_bom = parse("\xEF\xBB\xBF" + kBase);
  ASSERT_TRUE(plain);
  ASSERT_TRUE(with_bom);
  EXPECT_EQ(with_bom->sensor_id, plain->sensor_id);
  EXPECT_EQ(with_bom->value, plain->value);
  EXPECT_EQ(with_bom->timestamp, plain->timestamp);
}

TEST_F(ReadingParserTest, NonAsciiIdKeptByteForByte) {
  auto parsed = parse(with_member("sensor_id",
                                  "\"sensor_id\":\"Kessel-S\xC3\xBC"
                                  "d/T1\""));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->sensor_id,
            "Kessel-S\xC3\xBC"
            "d/T1");
}

TEST_F(ReadingParserTest, EscapedIdUnescaped) {
  auto parsed =
      parse(with_member("sensor_id", R"("sensor_id":"line\"4\u00fc")"));
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->sensor_id, "line\"4\xC3\xBC");
}

TEST_F(ReadingParserTest, NumericStringsParsedExactly) {
  struct expectation {
    std::string text;
    double value;
  };
  for (const auto& [text, value] :
       {expectation{"\"23.5\"", 23.5}, expectation{"\"-4\"", -4.0},
        expectation{"\"7e-06\"", 7e-06}, expectation{"7e-06", 7e-06}}) {
    auto parsed = parse(with_member("value", "\"value\":" + text));
    ASSERT_TRUE(parsed) << text;
    EXPECT_EQ(parsed->value, value) << text;
    EXPECT_EQ(parsed->value_was_string, text.front() == '"') << text;
  }
}

TEST_F(ReadingParserTest, LargeFiniteValueKept) {
  auto parsed = parse(with_member("value", "\"value\":1e308"));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->value, 1e308);
}

TEST_F(ReadingParserTest, EpochUnitsByMagnitude) {
  struct expectation {
    std::string timestamp;
    epoch_ns expected;
  };
  for (const auto& [text, expected] :
       {expectation{"1717243200123", 1'717'243'200'123'000'000},
        expectation{"1717243200", 1'717'243'200'000'000'000},
        expectation{"1717243200123456", 1'717'243'200'123'456'000},
        expectation{"1717243200123456789", 1'717'243'200'123'456'789},
        expectation{"1717243200.5", 1'717'243'200'500'000'000}}) {
    auto parsed = parse(with_member("timestamp", "\"timestamp\":" + text));
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().detail;
    EXPECT_EQ(parsed->timestamp, expected) << text;
  }
}

TEST_F(ReadingParserTest, Rfc3339OffsetsSubtracted) {
  struct expectation {
    std::string timestamp;
    epoch_ns expected;
  };
  for (const auto& [text, expected] :
       {expectation{"2024-06-01T14:00:00+02:00", kBaseTime},
        expectation{"2024-06-01T12:00:00Z", kBaseTime},
        expectation{"2024-06-01T20:30:00-08:00", 1'717'302'600'000'000'000},
        expectation{"2024-06-01T17:30:00+05:30", kBaseTime},
        expectation{"2024-06-01T12:00:00.123456789Z", kBaseTime + 123'456'789},
        expectation{"2024-06-01t12:00:00z", kBaseTime},
        expectation{"2024-06-01 12:00:00Z", kBaseTime}}) {
    auto parsed =
        parse(with_member("timestamp", "\"timestamp\":\"" + text + "\""));
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().detail;
    EXPECT_EQ(parsed->timestamp, expected) << text;
  }
}

TEST_F(ReadingParserTest, FutureTimestampRejected) {
  epoch_ns now = kBaseTime;
  std::string two_hours_ahead =
      with_member("timestamp", "\"timestamp\":1717250400000");
  auto parsed = parse(two_hours_ahead, now);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().reason, reject_reason::timestamp_in_future);
  std::string four_minutes_ahead =
      with_member("timestamp", "\"timestamp\":1717243440000");
  EXPECT_TRUE(parse(four_minutes_ahead, now));
}

TEST_F(ReadingParserTest, FahrenheitConvertedToCelsius) {
  for (std::string unit : {"F", "°F", "degF"}) {
    auto parsed =
        parse(R"({"sensor_id":"office/temp","sensor_type":"temperature",)"
              R"("value":64.4,"unit":")" +
              unit + R"(","timestamp":1717243200000})");
    ASSERT_TRUE(parsed) << unit;
    EXPECT_NEAR(parsed->value, 18.0, 1e-9) << unit;
    EXPECT_EQ(parsed->unit, "C");
    EXPECT_EQ(parsed->original_unit, unit);
    EXPECT_EQ(parsed->original_value, 64.4);
  }
}

TEST_F(ReadingParserTest, OtherTypeKeepsAnyUnit) {
  auto parsed =
      parse(R"({"sensor_id":"ahu-2/rh","sensor_type":"humidity","value":55,)"
            R"("unit":"%","timestamp":1717243200000})");
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->unit, "%");
  EXPECT_EQ(parsed->value, 55);
}

TEST_F(ReadingParserTest, MissingUnitAllowedWhenConfigured) {
  reading_parser lenient(reading_parser_options{.require_unit = false});
  auto parsed = lenient.parse(without_member("unit"), kNow);
  ASSERT_TRUE(parsed) << parsed.error().detail;
  EXPECT_EQ(parsed->unit, "");
}

TEST_F(ReadingParserTest, ResultIndependentOfTimeZone) {
  std::string message =
      with_member("timestamp", "\"timestamp\":\"2024-06-01T14:00:00+02:00\"");
  setenv("TZ", "Asia/Kolkata", 1);
  tzset();
  auto kolkata = parse(message);
  auto no_offset = reason_of(
      with_member("timestamp", "\"timestamp\":\"2024-06-01T14:00:00\""));
  setenv("TZ", "UTC", 1);
  tzset();
  auto utc = parse(message);
  ASSERT_TRUE(kolkata);
  ASSERT_TRUE(utc);
  EXPECT_EQ(kolkata->timestamp, utc->timestamp);
  EXPECT_EQ(no_offset, "timestamp_no_offset");
}

}  // namespace
}  // namespace ntscada
