#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "replay/labelled_reading.h"
#include "replay/nab_reader.h"

namespace ntscada {

enum class data_set_format { skab, nab };

// Returns "skab" or "nab".
std::string_view to_string(data_set_format format);

struct data_set_options {
  // Asset the readings belong to, such as "skab/valve1/0". Required,
  // because it is also the prefix of the sensor ids.
  std::string asset_id;
  // Used for NAB files only.
  nab_options nab;
};

// The readings of one data-set file, in file order.
struct data_set {
  data_set_format format = data_set_format::skab;
  std::vector<labelled_reading> readings;
};

// Loads a SKAB or NAB file, telling them apart by the header line: a
// ';'-separated header starting with "datetime" is SKAB, "timestamp,value"
// is NAB. Nothing throws for bad input. Every failure (missing file,
// unknown header, a malformed row) is returned as a message that names the
// file and, for content errors, the line.
result<data_set, std::string> load_data_set(const std::filesystem::path& path,
                                            const data_set_options& options);

}  // namespace ntscada
