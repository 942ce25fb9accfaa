#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "reading/reading.h"

namespace ntscada {

// Descriptive fields shared by every reading of one sensor.
struct sensor_info {
  std::string sensor_id;
  std::string sensor_type;
  std::string asset_id;  // empty when the sensor belongs to no asset
  std::string unit;
};

// Label value of a row with no ground truth.
inline constexpr std::int8_t kNoLabel = -1;

// A window of reading history in columns: one entry per row in each column
// vector, sensors interned once, so a million rows cost about 30 bytes each
// and no allocation per row. Rows are in the order they were appended;
// loaders append them by timestamp, ties in ingestion order.
class reading_history {
 public:
  // Appends one reading, interning its sensor. A sensor's descriptive
  // fields are taken from its first reading.
  void append(const reading& r);
  void append(std::uint32_t sensor, epoch_ns timestamp, double value,
              std::int8_t anomaly_label);
  // Returns the index of `info.sensor_id`, adding it when new.
  std::uint32_t intern(const sensor_info& info);

  std::size_t size() const { return timestamps_.size(); }
  void reserve(std::size_t rows);

  const std::vector<sensor_info>& sensors() const { return sensors_; }
  const std::vector<std::uint32_t>& sensor_column() const { return sensor_; }
  const std::vector<epoch_ns>& timestamps() const { return timestamps_; }
  const std::vector<double>& values() const { return values_; }
  // kNoLabel, 0 or 1 per row.
  const std::vector<std::int8_t>& anomaly_labels() const { return labels_; }

 private:
  std::vector<sensor_info> sensors_;
  std::unordered_map<std::string, std::uint32_t> sensor_index_;
  std::vector<std::uint32_t> sensor_;
  std::vector<epoch_ns> timestamps_;
  std::vector<double> values_;
  std::vector<std::int8_t> labels_;
};

}  // namespace ntscada
