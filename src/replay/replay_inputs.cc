#include "replay/replay_inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include "replay/data_set.h"
#include "replay/skab_reader.h"

namespace ntscada {
namespace {

result<std::vector<std::filesystem::path>, std::string> expand(
    const std::vector<std::filesystem::path>& paths) {
  std::vector<std::filesystem::path> files;
  for (const auto& path : paths) {
    std::error_code error;
    if (std::filesystem::is_directory(path, error)) {
      std::vector<std::filesystem::path> found;
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.path().extension() == ".csv") found.push_back(entry.path());
      }
      // Numeric stems sort by number, so 2.csv comes before 10.csv.
      std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
        auto as = a.stem().string();
        auto bs = b.stem().string();
        if (as.size() != bs.size()) return as.size() < bs.size();
        return as < bs;
      });
      if (found.empty()) {
        return failure{
            fmt::format("{}: no .csv files in folder", path.string())};
      }
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::exists(path, error)) {
      files.push_back(path);
    } else {
      return failure{fmt::format("{}: file not found", path.string())};
    }
  }
  return files;
}

// SKAB files of one folder are recordings of one test rig, so they share
// the asset (and so sensor ids and reference statistics); a NAB file is a
// machine of its own.
std::string asset_id_of(const std::filesystem::path& file) {
  std::string folder = file.parent_path().filename().string();
  std::ifstream in(file);
  std::string header;
  std::getline(in, header);
  if (is_skab_header(header)) return folder;
  return fmt::format("{}/{}", folder, file.stem().string());
}

}  // namespace

result<replay_inputs, std::string> load_replay_inputs(
    const std::vector<std::filesystem::path>& paths,
    const replay_input_options& options) {
  auto files = expand(paths);
  if (!files) return failure{files.error()};
  replay_inputs inputs;
  for (const auto& file : files.value()) {
    data_set_options set_options;
    set_options.asset_id = asset_id_of(file);
    set_options.nab.unit = options.nab_unit;
    auto windows = file.parent_path() / "combined_windows.json";
    if (std::filesystem::exists(windows))
      set_options.nab.windows_path = windows;
    auto loaded = load_data_set(file, set_options);
    if (!loaded) return failure{loaded.error()};
    if (loaded.value().format != data_set_format::skab) {
      inputs.skab_only = false;
    }
    auto& more = loaded.value().readings;
    inputs.readings.insert(inputs.readings.end(),
                           std::make_move_iterator(more.begin()),
                           std::make_move_iterator(more.end()));
  }
  return inputs;
}

void rewrite_timestamps(std::vector<labelled_reading>& readings, epoch_ns now) {
  if (readings.empty()) return;
  epoch_ns newest = readings.front().r.timestamp;
  for (const auto& item : readings) newest = std::max(newest, item.r.timestamp);
  epoch_ns shift = now - newest;
  for (auto& item : readings) item.r.timestamp += shift;
}

}  // namespace ntscada
