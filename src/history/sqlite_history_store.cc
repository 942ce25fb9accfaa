#include "history/sqlite_history_store.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <cmath>
#include <system_error>
#include <unordered_set>

namespace ntscada {
namespace {

// Creates schema version 1. Runs inside the transaction that also sets
// PRAGMA user_version, so a file never has half a schema.
constexpr const char* kCreateSchema = R"sql(
CREATE TABLE sensors (
  id INTEGER PRIMARY KEY,
  sensor_id TEXT NOT NULL UNIQUE,
  sensor_type TEXT NOT NULL,
  asset_id TEXT,
  unit TEXT NOT NULL
);
CREATE TABLE readings (
  sensor INTEGER NOT NULL REFERENCES sensors(id),
  timestamp INTEGER NOT NULL,
  value REAL NOT NULL,
  anomaly_label INTEGER CHECK (anomaly_label IN (0, 1))
);
CREATE INDEX readings_by_sensor_time ON readings(sensor, timestamp);
CREATE INDEX readings_by_time ON readings(timestamp);
PRAGMA user_version = 1;
)sql";

// Binds `text` without copying, so the bytes must outlive the next step.
int bind_text(sqlite3_stmt* statement, int index, std::string_view text) {
  return sqlite3_bind_text(statement, index, text.data(),
                           static_cast<int>(text.size()), SQLITE_STATIC);
}

std::string column_text(sqlite3_stmt* statement, int column) {
  const auto* text = sqlite3_column_text(statement, column);
  if (text == nullptr) return {};
  return std::string(
      reinterpret_cast<const char*>(text),
      static_cast<std::size_t>(sqlite3_column_bytes(statement, column)));
}

// Resets a statement when leaving a scope, so that a statement that failed
// or returned rows early releases its read snapshot.
class reset_guard {
 public:
  explicit reset_guard(sqlite3_stmt* statement) : statement_(statement) {}
  ~reset_guard() { sqlite3_reset(statement_); }
  reset_guard(const reset_guard&) = delete;
  reset_guard& operator=(const reset_guard&) = delete;

 private:
  sqlite3_stmt* statement_;
};

}  // namespace

void sqlite_history_store::statement_deleter::operator()(
    sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

result<std::unique_ptr<sqlite_history_store>, std::string>
sqlite_history_store::open(const std::filesystem::path& path,
                           sqlite_store_options options) {
  std::filesystem::path parent = path.parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return failure{fmt::format(
          "cannot create folder {} for history store {}: {}; create it or "
          "choose another store path",
          parent.string(), path.string(), ec.message())};
    }
  }

  sqlite3* db = nullptr;
  int code = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (code != SQLITE_OK) {
    std::string reason =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    return failure{fmt::format(
        "cannot open history store {}: {}; check that the file and its "
        "folder are writable",
        path.string(), reason)};
  }

  std::unique_ptr<sqlite_history_store> store(
      new sqlite_history_store(path, db));
  auto configured = store->configure(options);
  if (!configured) return failure{configured.error()};
  auto schema = store->prepare_schema();
  if (!schema) return failure{schema.error()};

  auto find = store->prepare("SELECT id FROM sensors WHERE sensor_id = ?1");
  if (!find) return failure{find.error()};
  store->find_sensor_ = std::move(find.value());
  auto insert_sensor = store->prepare(
      "INSERT INTO sensors (sensor_id, sensor_type, asset_id, unit) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!insert_sensor) return failure{insert_sensor.error()};
  store->insert_sensor_ = std::move(insert_sensor.value());
  auto insert_reading = store->prepare(
      "INSERT INTO readings (sensor, timestamp, value, anomaly_label) "
      "VALUES (?1, ?2, ?3, ?4)");
  if (!insert_reading) return failure{insert_reading.error()};
  store->insert_reading_ = std::move(insert_reading.value());
  return store;
}

sqlite_history_store::sqlite_history_store(std::filesystem::path path,
                                           sqlite3* db)
    : path_(std::move(path)), db_(db) {}

sqlite_history_store::~sqlite_history_store() {
  // Statements must be finalized before the connection closes.
  find_sensor_.reset();
  insert_sensor_.reset();
  insert_reading_.reset();
  sqlite3_close(db_);
}

result<bool, std::string> sqlite_history_store::configure(
    const sqlite_store_options& options) {
  sqlite3_extended_result_codes(db_, 1);
  busy_timeout_ = options.busy_timeout;
  sqlite3_busy_timeout(db_, static_cast<int>(options.busy_timeout.count()));

  // journal_mode is the first statement that reads the file, so it is the
  // one that reports a file that is not a database.
  auto journal = prepare("PRAGMA journal_mode = WAL");
  if (!journal) return failure{journal.error()};
  reset_guard reset(journal.value().get());
  int code = sqlite3_step(journal.value().get());
  if (code != SQLITE_ROW) return failure{error("switching to WAL mode", code)};
  std::string mode = column_text(journal.value().get(), 0);
  if (mode != "wal") {
    return failure{fmt::format(
        "history store {}: journal mode is \"{}\" after requesting WAL; "
        "put the store on a local file system that supports WAL",
        path_.string(), mode)};
  }
  return execute("PRAGMA synchronous = NORMAL", "setting synchronous mode");
}

result<bool, std::string> sqlite_history_store::prepare_schema() {
  auto read_version = [this]() -> result<std::int64_t, std::string> {
    auto statement = prepare("PRAGMA user_version");
    if (!statement) return failure{statement.error()};
    reset_guard reset(statement.value().get());
    int code = sqlite3_step(statement.value().get());
    if (code != SQLITE_ROW) {
      return failure{error("reading the schema version", code)};
    }
    return sqlite3_column_int64(statement.value().get(), 0);
  };

  auto version = read_version();
  if (!version) return failure{version.error()};
  if (version.value() == kSchemaVersion) return true;
  if (version.value() > kSchemaVersion) {
    return failure{fmt::format(
        "history store {} has schema version {}, newer than version {} "
        "that this build of ntscada reads; use a newer ntscada or another "
        "store path",
        path_.string(), version.value(), kSchemaVersion)};
  }
  if (version.value() != 0) {
    return failure{fmt::format(
        "history store {} has unknown schema version {}; expected {}. Move "
        "the file aside to create a new store",
        path_.string(), version.value(), kSchemaVersion)};
  }

  // Version 0 is a new file. Another process may be creating the schema
  // at the same time, so check again under the write lock.
  auto begun = execute("BEGIN IMMEDIATE", "starting the schema transaction");
  if (!begun) return begun;
  auto create = [&]() -> result<bool, std::string> {
    auto again = read_version();
    if (!again) return failure{again.error()};
    if (again.value() == kSchemaVersion) return true;
    auto objects = prepare("SELECT count(*) FROM sqlite_schema");
    if (!objects) return failure{objects.error()};
    reset_guard reset(objects.value().get());
    int code = sqlite3_step(objects.value().get());
    if (code != SQLITE_ROW) return failure{error("reading the schema", code)};
    if (sqlite3_column_int64(objects.value().get(), 0) != 0) {
      return failure{fmt::format(
          "{} is an SQLite database but not an ntscada history store (it "
          "has tables and schema version 0); choose another store path",
          path_.string())};
    }
    return execute(kCreateSchema, "creating the schema");
  };
  auto created = create();
  if (!created) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return created;
  }
  return execute("COMMIT", "committing the schema");
}

result<sqlite_history_store::statement_ptr, std::string>
sqlite_history_store::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  int code = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()),
                                &statement, nullptr);
  if (code != SQLITE_OK) {
    sqlite3_finalize(statement);
    return failure{error(fmt::format("preparing \"{}\"", sql), code)};
  }
  return statement_ptr(statement);
}

result<bool, std::string> sqlite_history_store::execute(
    const char* sql, std::string_view action) {
  int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return failure{error(action, code)};
  return true;
}

std::string sqlite_history_store::error(std::string_view action,
                                        int code) const {
  std::string message =
      fmt::format("history store {}: {} failed: {} (SQLite code {})",
                  path_.string(), action, sqlite3_errmsg(db_), code);
  switch (code & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      message += fmt::format(
          "; the file is corrupt or not an SQLite database. Move it aside "
          "(for example to {}.corrupt) and run again to create a new store",
          path_.string());
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      message += fmt::format(
          "; another connection held the lock for more than {} ms. Stop "
          "the other writer or try again",
          busy_timeout_.count());
      break;
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
      message += "; check that the file and its folder are writable";
      break;
    case SQLITE_FULL:
      message += "; free disk space and try again";
      break;
    case SQLITE_IOERR:
      message += "; check the disk and the file system";
      break;
    default:
      break;
  }
  return message;
}

result<bool, std::string> sqlite_history_store::append(
    std::span<const reading> readings) {
  if (readings.empty()) return true;
  for (const reading& r : readings) {
    if (!std::isfinite(r.value)) {
      return failure{fmt::format(
          "history store {}: not appending {} readings because sensor {} "
          "has a non-finite value at timestamp {} ns; drop or fix that "
          "reading",
          path_.string(), readings.size(), r.sensor_id, r.timestamp)};
    }
  }

  // IMMEDIATE takes the write lock up front, so waiting for another writer
  // goes through the busy timeout instead of failing at the first insert.
  auto begun = execute("BEGIN IMMEDIATE", "starting an append transaction");
  if (!begun) return begun;
  std::vector<std::string> added;
  auto inserted = insert_rows(readings, added);
  if (inserted) inserted = execute("COMMIT", "committing an append");
  if (!inserted) {
    // The sensors inserted in this transaction are gone with it.
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    for (const std::string& sensor_id : added) sensor_rows_.erase(sensor_id);
    return inserted;
  }
  return true;
}

result<bool, std::string> sqlite_history_store::insert_rows(
    std::span<const reading> readings, std::vector<std::string>& added) {
  sqlite3_stmt* insert = insert_reading_.get();
  for (const reading& r : readings) {
    auto sensor = sensor_row(r, added);
    if (!sensor) return failure{sensor.error()};

    reset_guard reset(insert);
    sqlite3_bind_int64(insert, 1, sensor.value());
    sqlite3_bind_int64(insert, 2, r.timestamp);
    sqlite3_bind_double(insert, 3, r.value);
    if (r.labels.anomaly) {
      sqlite3_bind_int(insert, 4, *r.labels.anomaly ? 1 : 0);
    } else {
      sqlite3_bind_null(insert, 4);
    }
    int code = sqlite3_step(insert);
    if (code != SQLITE_DONE) {
      return failure{error(
          fmt::format("inserting a reading of sensor {}", r.sensor_id), code)};
    }
  }
  return true;
}

result<std::int64_t, std::string> sqlite_history_store::sensor_row(
    const reading& r, std::vector<std::string>& added) {
  auto cached = sensor_rows_.find(std::string_view(r.sensor_id));
  if (cached != sensor_rows_.end()) return cached->second;

  {
    sqlite3_stmt* find = find_sensor_.get();
    reset_guard reset(find);
    bind_text(find, 1, r.sensor_id);
    int code = sqlite3_step(find);
    if (code == SQLITE_ROW) {
      // Committed by another connection, so safe to cache now.
      std::int64_t id = sqlite3_column_int64(find, 0);
      sensor_rows_.emplace(r.sensor_id, id);
      return id;
    }
    if (code != SQLITE_DONE) {
      return failure{
          error(fmt::format("looking up sensor {}", r.sensor_id), code)};
    }
  }

  sqlite3_stmt* insert = insert_sensor_.get();
  reset_guard reset(insert);
  bind_text(insert, 1, r.sensor_id);
  bind_text(insert, 2, r.sensor_type);
  if (r.asset_id) {
    bind_text(insert, 3, *r.asset_id);
  } else {
    sqlite3_bind_null(insert, 3);
  }
  bind_text(insert, 4, r.unit);
  int code = sqlite3_step(insert);
  if (code != SQLITE_DONE) {
    return failure{
        error(fmt::format("inserting sensor {}", r.sensor_id), code)};
  }
  std::int64_t id = sqlite3_last_insert_rowid(db_);
  sensor_rows_.emplace(r.sensor_id, id);
  added.push_back(r.sensor_id);
  return id;
}

result<reading_history, std::string> sqlite_history_store::load(
    const history_query& query) {
  if (query.end < query.start) {
    return failure{fmt::format(
        "history store {}: invalid query window: end {} ns is before start "
        "{} ns; pass start <= end",
        path_.string(), query.end, query.start)};
  }
  reading_history history;
  if (query.end == query.start) return history;

  // One read transaction, so the sensors, the count and the rows come from
  // the same snapshot while other connections append.
  auto begun = execute("BEGIN", "starting a read transaction");
  if (!begun) return failure{begun.error()};
  auto loaded = load_rows(query, history);
  if (!loaded) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return failure{loaded.error()};
  }
  auto committed = execute("COMMIT", "ending a read transaction");
  if (!committed) return failure{committed.error()};
  return history;
}

result<bool, std::string> sqlite_history_store::load_rows(
    const history_query& query, reading_history& history) {
  // sensors.id -> descriptive fields of the sensors the query may return.
  std::unordered_map<std::int64_t, sensor_info> sensors;
  std::string sensor_clause;
  std::vector<std::int64_t> selected;

  auto read_sensor = [&](sqlite3_stmt* statement) {
    sensor_info info;
    info.sensor_id = column_text(statement, 1);
    info.sensor_type = column_text(statement, 2);
    info.asset_id = column_text(statement, 3);
    info.unit = column_text(statement, 4);
    std::int64_t id = sqlite3_column_int64(statement, 0);
    sensors.emplace(id, std::move(info));
    return id;
  };

  if (query.sensor_ids.empty()) {
    auto all = prepare(
        "SELECT id, sensor_id, sensor_type, asset_id, unit FROM sensors");
    if (!all) return failure{all.error()};
    int code;
    while ((code = sqlite3_step(all.value().get())) == SQLITE_ROW) {
      read_sensor(all.value().get());
    }
    if (code != SQLITE_DONE) return failure{error("reading sensors", code)};
  } else {
    auto one = prepare(
        "SELECT id, sensor_id, sensor_type, asset_id, unit FROM sensors "
        "WHERE sensor_id = ?1");
    if (!one) return failure{one.error()};
    std::unordered_set<std::string_view> seen;
    for (const std::string& sensor_id : query.sensor_ids) {
      if (!seen.insert(sensor_id).second) continue;
      reset_guard reset(one.value().get());
      bind_text(one.value().get(), 1, sensor_id);
      int code = sqlite3_step(one.value().get());
      if (code == SQLITE_ROW) {
        selected.push_back(read_sensor(one.value().get()));
      } else if (code != SQLITE_DONE) {
        return failure{
            error(fmt::format("looking up sensor {}", sensor_id), code)};
      }
    }
    if (selected.empty()) return true;

    // Parameters ?1 and ?2 are the window, and the sensors follow.
    int max_parameters = sqlite3_limit(db_, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    if (static_cast<std::int64_t>(selected.size()) + 2 > max_parameters) {
      return failure{fmt::format(
          "history store {}: the query names {} stored sensors, more than "
          "the {} that one query can bind; split the query",
          path_.string(), selected.size(), max_parameters - 2)};
    }
    sensor_clause = " AND sensor IN (";
    for (std::size_t i = 0; i < selected.size(); ++i) {
      fmt::format_to(std::back_inserter(sensor_clause), "{}?{}",
                     i == 0 ? "" : ",", i + 3);
    }
    sensor_clause += ")";
  }

  auto bind_query = [&](sqlite3_stmt* statement) {
    sqlite3_bind_int64(statement, 1, query.start);
    sqlite3_bind_int64(statement, 2, query.end);
    for (std::size_t i = 0; i < selected.size(); ++i) {
      sqlite3_bind_int64(statement, static_cast<int>(i + 3), selected[i]);
    }
  };
  const std::string where =
      "WHERE timestamp >= ?1 AND timestamp < ?2" + sensor_clause;

  // Counting first sizes the columns exactly: the index scan is cheap next
  // to growing four vectors past the row count.
  auto counter = prepare("SELECT count(*) FROM readings " + where);
  if (!counter) return failure{counter.error()};
  bind_query(counter.value().get());
  int code = sqlite3_step(counter.value().get());
  if (code != SQLITE_ROW) return failure{error("counting readings", code)};
  history.reserve(
      static_cast<std::size_t>(sqlite3_column_int64(counter.value().get(), 0)));

  // The index on timestamp ends with the rowid, which grows with each
  // insert, so this order is timestamp and then insertion order.
  // NOTE: SQLite may reuse the largest rowid after the newest rows are
  // deleted; this store never deletes.
  auto rows =
      prepare("SELECT sensor, timestamp, value, anomaly_label FROM readings " +
              where + " ORDER BY timestamp, rowid");
  if (!rows) return failure{rows.error()};
  sqlite3_stmt* statement = rows.value().get();
  bind_query(statement);

  // sensors.id -> index in `history`, filled on first sight of a sensor.
  std::unordered_map<std::int64_t, std::uint32_t> interned;
  while ((code = sqlite3_step(statement)) == SQLITE_ROW) {
    std::int64_t sensor = sqlite3_column_int64(statement, 0);
    auto index = interned.find(sensor);
    if (index == interned.end()) {
      auto info = sensors.find(sensor);
      if (info == sensors.end()) {
        return failure{fmt::format(
            "history store {}: a reading refers to sensor row {}, which is "
            "missing from the sensors table; the file is inconsistent, move "
            "it aside and import the data again",
            path_.string(), sensor)};
      }
      index = interned.emplace(sensor, history.intern(info->second)).first;
    }
    std::int8_t label = kNoLabel;
    if (sqlite3_column_type(statement, 3) != SQLITE_NULL) {
      label = sqlite3_column_int(statement, 3) != 0 ? 1 : 0;
    }
    history.append(index->second, sqlite3_column_int64(statement, 1),
                   sqlite3_column_double(statement, 2), label);
  }
  if (code != SQLITE_DONE) return failure{error("reading readings", code)};
  return true;
}

result<std::int64_t, std::string> sqlite_history_store::count() {
  auto statement = prepare("SELECT count(*) FROM readings");
  if (!statement) return failure{statement.error()};
  int code = sqlite3_step(statement.value().get());
  if (code != SQLITE_ROW) return failure{error("counting readings", code)};
  return static_cast<std::int64_t>(
      sqlite3_column_int64(statement.value().get(), 0));
}

result<std::optional<history_time_range>, std::string>
sqlite_history_store::time_range() {
  auto statement =
      prepare("SELECT min(timestamp), max(timestamp) FROM readings");
  if (!statement) return failure{statement.error()};
  sqlite3_stmt* s = statement.value().get();
  int code = sqlite3_step(s);
  if (code != SQLITE_ROW) {
    return failure{error("reading the time range", code)};
  }
  if (sqlite3_column_type(s, 0) == SQLITE_NULL) {
    return std::optional<history_time_range>{};
  }
  return std::optional<history_time_range>{history_time_range{
      sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1)}};
}

}  // namespace ntscada
