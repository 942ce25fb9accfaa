#include "scoring/result_record.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace ntscada {
namespace {

TEST(ResultRecordTest, CarriesInputVerdictAndSource) {
  reading r{.sensor_id =
                "Kessel-S\xC3\xBC"
                "d/T1",
            .sensor_type = "temperature",
            .value = 18.0,
            .unit = "C",
            .timestamp = 1'717'243'200'123'000'000,
            .asset_id = "kessel",
            .original_value = 64.4,
            .original_unit = "F"};
  r.labels.anomaly = false;
  score s{.anomaly = true,
          .confidence = 0.75,
          .state = operational_state::high,
          .level = severity::medium,
          .kind = category::thermal_pressure};
  std::string out;
  append_result_json(out, r, s, "rules:default", 1'717'243'201'000'000'000,
                     {"scada.sensors", 3, 42});

  simdjson::dom::parser parser;
  simdjson::dom::element doc = parser.parse(out);
  EXPECT_EQ(std::string_view(doc["sensor_id"]), r.sensor_id);
  EXPECT_EQ(double(doc["value"]), 18.0);
  EXPECT_EQ(std::string_view(doc["timestamp"]), "2024-06-01T12:00:00.123Z");
  EXPECT_EQ(std::string_view(doc["asset_id"]), "kessel");
  EXPECT_EQ(double(doc["original_value"]), 64.4);
  EXPECT_EQ(std::string_view(doc["original_unit"]), "F");
  EXPECT_EQ(bool(doc["anomaly_label"]), false);
  EXPECT_EQ(bool(doc["anomaly_detected"]), true);
  EXPECT_EQ(double(doc["confidence"]), 0.75);
  EXPECT_EQ(std::string_view(doc["operational_state"]), "HIGH");
  EXPECT_EQ(std::string_view(doc["severity"]), "MEDIUM");
  EXPECT_EQ(std::string_view(doc["category"]), "THERMAL_PRESSURE");
  EXPECT_EQ(std::string_view(doc["detector"]), "rules:default");
  EXPECT_EQ(std::string_view(doc["processing_timestamp"]),
            "2024-06-01T12:00:01.000Z");
  EXPECT_EQ(std::string_view(doc["source"]["topic"]), "scada.sensors");
  EXPECT_EQ(int64_t(doc["source"]["partition"]), 3);
  EXPECT_EQ(int64_t(doc["source"]["offset"]), 42);
}

}  // namespace
}  // namespace ntscada
