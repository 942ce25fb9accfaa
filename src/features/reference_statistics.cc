#include "features/reference_statistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace ntscada {

double value_statistics::scale() const {
  return std::isfinite(standard_deviation) && standard_deviation > 0
             ? standard_deviation
             : 1.0;
}

value_statistics compute_statistics(std::span<const double> values) {
  value_statistics stats;
  if (values.empty()) return stats;
  double n = static_cast<double>(values.size());
  double sum = 0;
  for (double v : values) sum += v;
  double mean = sum / n;

  double m2 = 0, m3 = 0, m4 = 0;
  for (double v : values) {
    double d = v - mean;
    double d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;

  std::vector<double> sorted(values.begin(), values.end());
  std::sort(sorted.begin(), sorted.end());
  std::size_t middle = sorted.size() / 2;
  double median = sorted.size() % 2 == 1
                      ? sorted[middle]
                      : (sorted[middle - 1] + sorted[middle]) / 2;

  stats.mean = mean;
  stats.standard_deviation = std::sqrt(m2);
  stats.minimum = sorted.front();
  stats.maximum = sorted.back();
  stats.median = median;
  // Skewness g1 = m3 / m2^1.5 and excess kurtosis g2 = m4 / m2^2 - 3; both
  // are 0 for a constant sensor.
  stats.skewness = m2 > 0 ? m3 / std::pow(m2, 1.5) : 0.0;
  stats.kurtosis = m2 > 0 ? m4 / (m2 * m2) - 3.0 : 0.0;
  stats.count = values.size();
  return stats;
}

reference_statistics reference_statistics::compute(
    const reading_history& history, std::size_t begin, std::size_t end) {
  const auto& sensors = history.sensors();
  std::vector<std::vector<double>> per_sensor(sensors.size());
  std::unordered_map<std::string, std::vector<double>> per_type;
  for (std::size_t row = begin; row < end; ++row) {
    std::uint32_t sensor = history.sensor_column()[row];
    double value = history.values()[row];
    per_sensor[sensor].push_back(value);
    per_type[sensors[sensor].sensor_type].push_back(value);
  }
  reference_statistics out;
  for (std::size_t i = 0; i < sensors.size(); ++i) {
    if (per_sensor[i].empty()) continue;
    out.by_sensor_[sensors[i].sensor_id] = compute_statistics(per_sensor[i]);
  }
  for (auto& [type, values] : per_type) {
    out.by_type_[type] = compute_statistics(values);
  }
  return out;
}

const value_statistics& reference_statistics::find(
    std::string_view sensor_id, std::string_view sensor_type) const {
  static const value_statistics identity{};
  if (auto it = by_sensor_.find(std::string(sensor_id));
      it != by_sensor_.end()) {
    return it->second;
  }
  if (auto it = by_type_.find(std::string(sensor_type)); it != by_type_.end()) {
    return it->second;
  }
  return identity;
}

void reference_statistics::set_sensor(std::string sensor_id,
                                      value_statistics statistics) {
  by_sensor_[std::move(sensor_id)] = statistics;
}

void reference_statistics::set_type(std::string sensor_type,
                                    value_statistics statistics) {
  by_type_[std::move(sensor_type)] = statistics;
}

}  // namespace ntscada
