#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "history/history_store.h"
#include "reading/reading.h"

struct sqlite3;
struct sqlite3_stmt;

namespace ntscada {

struct sqlite_store_options {
  // How long a statement waits for another connection's lock before it
  // fails with SQLITE_BUSY (sqlite3_busy_timeout).
  std::chrono::milliseconds busy_timeout{5000};
};

// Oldest and newest stored timestamp, both inclusive.
struct history_time_range {
  epoch_ns first = 0;
  epoch_ns last = 0;
};

// Reading history in one SQLite file, in WAL mode with synchronous=NORMAL:
// a committed append survives a crash of the process, but the last commits
// can be lost on power loss or an operating-system crash.
//
// Schema version 1 (stored in PRAGMA user_version):
//   sensors(id INTEGER PRIMARY KEY, sensor_id TEXT UNIQUE, sensor_type,
//           asset_id NULL, unit)
//   readings(sensor -> sensors.id, timestamp INTEGER ns since the epoch,
//            value REAL, anomaly_label INTEGER NULL, 0 or 1)
// with indexes on readings(sensor, timestamp) and readings(timestamp).
// A sensor's descriptive fields are those of its first stored reading.
// Strings are stored byte for byte.
//
// Thread safety: one instance must not be used by two threads at once.
// Several instances, also in other processes, may share one file: writers
// take turns and wait up to `busy_timeout` for each other.
class sqlite_history_store final : public history_source, public history_sink {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens the store at `path`, creating the file, its parent folders and
  // the schema when missing. Fails with a message naming the path for a
  // file that is not a history store, is corrupt or has a newer schema.
  static result<std::unique_ptr<sqlite_history_store>, std::string> open(
      const std::filesystem::path& path, sqlite_store_options options = {});

  ~sqlite_history_store() override;
  sqlite_history_store(const sqlite_history_store&) = delete;
  sqlite_history_store& operator=(const sqlite_history_store&) = delete;

  // Loads the rows with start <= timestamp < end, ordered by timestamp and
  // then by insertion order, from one consistent snapshot of the file.
  // Sensors named in `query.sensor_ids` that were never stored are
  // skipped. Fails when end < start.
  result<reading_history, std::string> load(
      const history_query& query) override;

  // Inserts `readings` in one transaction, with the sensors they introduce.
  // Fails without storing anything when a value is not finite or SQLite
  // fails (for example SQLITE_BUSY after `busy_timeout`, or a full disk).
  result<bool, std::string> append(std::span<const reading> readings) override;

  // Returns the number of stored readings. Scans an index, so the cost
  // grows with the store.
  result<std::int64_t, std::string> count();

  // Returns the oldest and newest stored timestamp, or nullopt for an
  // empty store.
  result<std::optional<history_time_range>, std::string> time_range();

  const std::filesystem::path& path() const { return path_; }

 private:
  struct statement_deleter {
    void operator()(sqlite3_stmt* statement) const;
  };
  using statement_ptr = std::unique_ptr<sqlite3_stmt, statement_deleter>;

  // Hash for lookups by std::string_view, which build no std::string.
  struct string_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  using sensor_cache = std::unordered_map<std::string, std::int64_t,
                                          string_hash, std::equal_to<>>;

  sqlite_history_store(std::filesystem::path path, sqlite3* db);

  result<bool, std::string> configure(const sqlite_store_options& options);
  result<bool, std::string> prepare_schema();
  result<statement_ptr, std::string> prepare(std::string_view sql);
  result<bool, std::string> execute(const char* sql, std::string_view action);
  result<std::int64_t, std::string> sensor_row(const reading& r,
                                               std::vector<std::string>& added);
  result<bool, std::string> insert_rows(std::span<const reading> readings,
                                        std::vector<std::string>& added);
  result<bool, std::string> load_rows(const history_query& query,
                                      reading_history& history);
  // Formats a failure of `action` with SQLite's message for `code`, the
  // path, and what to do when the file is corrupt or locked.
  std::string error(std::string_view action, int code) const;

  std::filesystem::path path_;
  sqlite3* db_;
  std::chrono::milliseconds busy_timeout_{0};
  statement_ptr find_sensor_;
  statement_ptr insert_sensor_;
  statement_ptr insert_reading_;
  // sensor_id -> sensors.id for sensors known to be committed. Sensors are
  // never deleted, so entries stay valid while other connections write.
  sensor_cache sensor_rows_;
};

}  // namespace ntscada
