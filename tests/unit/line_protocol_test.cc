#include "influx/line_protocol.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "influx/influx_schema.h"

namespace ntscada {
namespace {

std::string one_line(std::string_view measurement, std::string_view key,
                     std::string_view value) {
  std::string out;
  line_builder line(out);
  line.begin(measurement).tag(key, value).field_float("value", 71.5);
  auto finished = line.finish(1'717'243'200'000'000'000);
  EXPECT_TRUE(finished) << (finished ? "" : finished.error().detail);
  return out;
}

TEST(LineProtocol, EscapesTagValueSeparators) {
  EXPECT_EQ(one_line("readings", "sensor_id", "boiler 2,zone=A"),
            "readings,sensor_id=boiler\\ 2\\,zone\\=A value=71.5 "
            "1717243200000000000\n");
}

TEST(LineProtocol, KeepsQuotesAndInnerBackslashes) {
  EXPECT_EQ(one_line("readings", "sensor_id", "tank'3"),
            "readings,sensor_id=tank'3 value=71.5 1717243200000000000\n");
  EXPECT_EQ(one_line("readings", "sensor_id", "line\"4"),
            "readings,sensor_id=line\"4 value=71.5 1717243200000000000\n");
  EXPECT_EQ(one_line("readings", "sensor_id", "a\\b"),
            "readings,sensor_id=a\\b value=71.5 1717243200000000000\n");
  EXPECT_EQ(one_line("readings", "sensor_id", "Kessel-Süd/T1"),
            "readings,sensor_id=Kessel-Süd/T1 value=71.5 "
            "1717243200000000000\n");
}

TEST(LineProtocol, EscapesMeasurementAndKeys) {
  EXPECT_EQ(one_line("plant a,b=c", "tag key", "v"),
            "plant\\ a\\,b=c,tag\\ key=v value=71.5 1717243200000000000\n");
}

TEST(LineProtocol, EscapesStringFields) {
  std::string out;
  line_builder line(out);
  line.begin("m").field_string("text", "say \"hi\" \\ bye");
  ASSERT_TRUE(line.finish(5));
  EXPECT_EQ(out, "m text=\"say \\\"hi\\\" \\\\ bye\" 5\n");
}

TEST(LineProtocol, WritesWholeNumbersAsFloats) {
  std::string out;
  line_builder line(out);
  for (double value : {25.0, 24.6, 0.0, -3.0}) {
    line.begin("m").field_float("value", value);
    ASSERT_TRUE(line.finish(1));
  }
  EXPECT_EQ(out, "m value=25 1\nm value=24.6 1\nm value=0 1\nm value=-3 1\n");
  EXPECT_EQ(out.find('i'), std::string::npos);
}

TEST(LineProtocol, WritesCountsAsIntegers) {
  std::string out;
  line_builder line(out);
  line.begin("m").field_integer("count", 25).field_bool("flag", true);
  ASSERT_TRUE(line.finish(1));
  EXPECT_EQ(out, "m count=25i,flag=true 1\n");
}

TEST(LineProtocol, FloatsRoundTripExactly) {
  for (double value :
       {0.1, 1e-7, 1e16, 1.7976931348623157e308, 5e-324, -123.456789012345}) {
    std::string out;
    line_builder line(out);
    line.begin("m").field_float("v", value);
    ASSERT_TRUE(line.finish(1));
    std::string text = out.substr(4, out.rfind(' ') - 4);
    // strtod, because std::stod throws for subnormal values such as 5e-324.
    EXPECT_EQ(std::strtod(text.c_str(), nullptr), value) << text;
  }
}

TEST(LineProtocol, RejectsUnrepresentableTagValues) {
  const char* cases[] = {"dir\\", "multi\nline", "carriage\rreturn"};
  for (const char* id : cases) {
    std::string out = "previous line\n";
    line_builder line(out);
    line.begin("readings").tag("sensor_id", id).field_float("value", 1.0);
    auto finished = line.finish(1);
    ASSERT_FALSE(finished) << id;
    EXPECT_EQ(finished.error().code, "sensor_id_unrepresentable");
    EXPECT_EQ(out, "previous line\n") << "partial line left in the buffer";
  }
}

TEST(LineProtocol, RejectsNonFiniteFloats) {
  std::string out;
  line_builder line(out);
  line.begin("m").field_float("value",
                              std::numeric_limits<double>::quiet_NaN());
  auto finished = line.finish(1);
  ASSERT_FALSE(finished);
  EXPECT_EQ(finished.error().code, "value_not_finite");
  EXPECT_TRUE(out.empty());
}

TEST(LineProtocol, RejectsCommentMeasurementAndEmptyFields) {
  std::string out;
  line_builder line(out);
  line.begin("#m").field_float("value", 1);
  EXPECT_FALSE(line.finish(1));
  line.begin("m");
  auto empty = line.finish(1);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, "no_fields");
  EXPECT_TRUE(out.empty());
}

TEST(LineProtocol, LeavesOutEmptyTags) {
  EXPECT_EQ(one_line("m", "asset_id", ""),
            "m value=71.5 1717243200000000000\n");
}

TEST(InfluxSchema, MapsReadingToTagsAndFields) {
  reading r;
  r.sensor_id = "pump-07/temp";
  r.sensor_type = "temperature";
  r.value = 25;
  r.unit = "C";
  r.timestamp = 1'717'243'200'123'000'000;
  r.asset_id = "pump 07";
  r.labels.anomaly = false;
  r.original_value = 77;
  r.original_unit = "F";
  std::string out;
  ASSERT_TRUE(append_reading_point(out, "readings", r));
  EXPECT_EQ(out,
            "readings,asset_id=pump\\ 07,sensor_id=pump-07/temp,"
            "sensor_type=temperature,unit=C value=25,anomaly_label=false,"
            "original_value=77,original_unit=\"F\" 1717243200123000000\n");
}

TEST(InfluxSchema, MapsResultVerdictToFields) {
  processed_record record;
  record.input.sensor_id = "s";
  record.input.sensor_type = "pressure";
  record.input.value = 2.5;
  record.input.unit = "bar";
  record.input.timestamp = 7;
  record.anomaly_detected = true;
  record.confidence = 0.75;
  record.operational_state = "HIGH";
  record.severity = "MEDIUM";
  record.category = "THERMAL_PRESSURE";
  record.detector = "rules:default";
  std::string out;
  ASSERT_TRUE(append_result_point(out, "results", record));
  EXPECT_EQ(out,
            "results,sensor_id=s,sensor_type=pressure,unit=bar value=2.5,"
            "anomaly_detected=true,confidence=0.75,operational_state=\"HIGH\","
            "severity=\"MEDIUM\",category=\"THERMAL_PRESSURE\","
            "detector=\"rules:default\" 7\n");
}

}  // namespace
}  // namespace ntscada
