#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "replay/labelled_reading.h"

namespace ntscada {

// Sensor type and canonical unit that a SKAB column is replayed as.
struct skab_sensor_kind {
  std::string_view sensor_type;
  std::string_view unit;
};

// Maps a SKAB column header to its sensor type and unit, matching exactly:
//   Accelerometer1RMS, Accelerometer2RMS  vibration (g)
//   Current                               current (A)
//   Pressure                              pressure (bar)
//   Temperature, Thermocouple             temperature (C)
//   Voltage                               voltage (V)
//   Volume Flow RateRMS                   flow_rate (l/min)
// Any other header maps to type "other" with an empty unit.
skab_sensor_kind skab_sensor_kind_of(std::string_view column);

// True when `header_line` is a SKAB header: ';'-separated fields, the first
// of which is "datetime".
bool is_skab_header(std::string_view header_line);

// Parses a SKAB CSV file (Skoltech Anomaly Benchmark): a header row
// "datetime;<sensor>;...[;anomaly][;changepoint]", then one row per sample
// with ';' separators and CRLF or LF line ends. The datetime has no zone
// and is read as UTC.
//
// Each row yields one reading per sensor column, in column order, with
// sensor_id "<asset_id>/<column header>" (spaces kept), the asset id, and
// labels.anomaly / labels.changepoint from the label columns when present
// (0 is false, 1 is true). Readings come back in file order. Errors name
// `source` and the 1-based line: a missing or duplicate column, a row with
// the wrong number of fields, or a number or datetime that does not parse.
result<std::vector<labelled_reading>, std::string> parse_skab(
    std::string_view text, std::string_view source, std::string_view asset_id);

// Reads and parses the SKAB file at `path` (see parse_skab).
result<std::vector<labelled_reading>, std::string> read_skab(
    const std::filesystem::path& path, std::string_view asset_id);

}  // namespace ntscada
