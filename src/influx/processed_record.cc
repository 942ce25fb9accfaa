#include "influx/processed_record.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cmath>

#include "reading/timestamp.h"

namespace ntscada {
namespace {

result<std::string, std::string> required_string(
    simdjson::dom::element document, std::string_view member) {
  std::string_view text;
  if (document[member].get(text) != simdjson::SUCCESS) {
    return failure{fmt::format("member {} is missing or not a string", member)};
  }
  return std::string(text);
}

std::string optional_string(simdjson::dom::element document,
                            std::string_view member) {
  std::string_view text;
  if (document[member].get(text) != simdjson::SUCCESS) return {};
  return std::string(text);
}

}  // namespace

result<processed_record, std::string> parse_processed_record(
    std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element document;
  if (auto error = parser.parse(json.data(), json.size()).get(document)) {
    return failure{
        fmt::format("invalid JSON: {}", simdjson::error_message(error))};
  }
  if (!document.is_object()) {
    return failure{std::string("the record is not a JSON object")};
  }

  processed_record record;
  reading& r = record.input;
  auto sensor_id = required_string(document, "sensor_id");
  if (!sensor_id) return failure{sensor_id.error()};
  r.sensor_id = std::move(sensor_id.value());
  auto sensor_type = required_string(document, "sensor_type");
  if (!sensor_type) return failure{sensor_type.error()};
  r.sensor_type = std::move(sensor_type.value());
  if (document["value"].get(r.value) != simdjson::SUCCESS ||
      !std::isfinite(r.value)) {
    return failure{std::string("member value is missing or not a number")};
  }
  r.unit = optional_string(document, "unit");
  auto timestamp = required_string(document, "timestamp");
  if (!timestamp) return failure{timestamp.error()};
  auto instant = parse_rfc3339(timestamp.value());
  if (!instant) {
    return failure{fmt::format("member timestamp {:?} is invalid: {}",
                               timestamp.value(), instant.error().detail)};
  }
  r.timestamp = instant.value();
  std::string asset = optional_string(document, "asset_id");
  if (!asset.empty()) r.asset_id = std::move(asset);
  bool label = false;
  if (document["anomaly_label"].get(label) == simdjson::SUCCESS) {
    r.labels.anomaly = label;
  }

  if (document["anomaly_detected"].get(record.anomaly_detected) !=
      simdjson::SUCCESS) {
    return failure{
        std::string("member anomaly_detected is missing or not a boolean")};
  }
  if (document["confidence"].get(record.confidence) != simdjson::SUCCESS ||
      !std::isfinite(record.confidence)) {
    return failure{std::string("member confidence is missing or not a number")};
  }
  auto state = required_string(document, "operational_state");
  if (!state) return failure{state.error()};
  record.operational_state = std::move(state.value());
  auto severity = required_string(document, "severity");
  if (!severity) return failure{severity.error()};
  record.severity = std::move(severity.value());
  record.category = optional_string(document, "category");
  record.detector = optional_string(document, "detector");
  return record;
}

}  // namespace ntscada
