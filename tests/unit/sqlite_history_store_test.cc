#include "history/sqlite_history_store.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

namespace ntscada {
namespace {

namespace fs = std::filesystem;

constexpr epoch_ns kBase = 1'717'243'200'000'000'000;  // 2024-06-01T12:00Z

reading make_reading(std::string sensor_id, epoch_ns timestamp, double value,
                     std::optional<bool> anomaly = std::nullopt) {
  reading r;
  r.sensor_id = std::move(sensor_id);
  r.sensor_type = "temperature";
  r.unit = "C";
  r.timestamp = timestamp;
  r.value = value;
  r.labels.anomaly = anomaly;
  return r;
}

// Runs SQL on the store file through a second connection.
void run_sql(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << text;
}

class SqliteHistoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ =
        fs::temp_directory_path() /
        fmt::format(
            "ntscada-history-{}-{}", ::getpid(),
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    path_ = folder_ / "history.db";
  }
  void TearDown() override { fs::remove_all(folder_); }

  std::unique_ptr<sqlite_history_store> open_store() {
    auto store = sqlite_history_store::open(path_);
    EXPECT_TRUE(store.has_value()) << store.error();
    return store ? std::move(store.value()) : nullptr;
  }

  fs::path folder_;
  fs::path path_;
};

TEST_F(SqliteHistoryStoreTest, RoundTripKeepsFieldsAndLabels) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  std::vector<reading> readings = {
      make_reading("pump-1/temp", kBase + 2, 41.5, true),
      make_reading("pump-1/temp", kBase + 1, 40.25, false),
      make_reading("pump-2/temp", kBase + 3, -3.0),
  };
  readings[0].asset_id = "pump-1";
  readings[1].asset_id = "pump-1";
  readings[2].sensor_type = "pressure";
  readings[2].unit = "bar";
  ASSERT_TRUE(store->append(readings).has_value());

  auto loaded = store->load({kBase, kBase + 10, {}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  const reading_history& history = loaded.value();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history.timestamps(),
            (std::vector<epoch_ns>{kBase + 1, kBase + 2, kBase + 3}));
  EXPECT_EQ(history.values(), (std::vector<double>{40.25, 41.5, -3.0}));
  EXPECT_EQ(history.anomaly_labels(),
            (std::vector<std::int8_t>{0, 1, kNoLabel}));
  ASSERT_EQ(history.sensors().size(), 2u);
  EXPECT_EQ(history.sensor_column(), (std::vector<std::uint32_t>{0, 0, 1}));
  EXPECT_EQ(history.sensors()[0].sensor_id, "pump-1/temp");
  EXPECT_EQ(history.sensors()[0].sensor_type, "temperature");
  EXPECT_EQ(history.sensors()[0].asset_id, "pump-1");
  EXPECT_EQ(history.sensors()[0].unit, "C");
  EXPECT_EQ(history.sensors()[1].sensor_type, "pressure");
  EXPECT_EQ(history.sensors()[1].asset_id, "");
  EXPECT_EQ(history.sensors()[1].unit, "bar");
}

TEST_F(SqliteHistoryStoreTest, OddSensorIdsStoredByteForByte) {
  const std::vector<std::string> ids = {
      "Temperatur Kessel \xc3\xbc",  // u with diaeresis in UTF-8
      "\xe6\xb8\xa9\xe5\xba\xa6-1",  // CJK characters in UTF-8
      "quote\"d 'single' back\\slash", "  spaces  around  ",
      std::string("nul\0inside", 10),  "semi;colon); DROP TABLE readings;--",
  };
  {
    auto store = open_store();
    ASSERT_NE(store, nullptr);
    std::vector<reading> readings;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      readings.push_back(make_reading(ids[i], kBase + static_cast<epoch_ns>(i),
                                      static_cast<double>(i)));
    }
    ASSERT_TRUE(store->append(readings).has_value());
  }

  auto store = open_store();  // reopened, so nothing comes from a cache
  ASSERT_NE(store, nullptr);
  auto loaded = store->load({kBase, kBase + 100, {}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_EQ(loaded.value().sensors().size(), ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(loaded.value().sensors()[i].sensor_id, ids[i]) << i;
  }
  for (const std::string& id : ids) {
    auto one = store->load({kBase, kBase + 100, {id}});
    ASSERT_TRUE(one.has_value()) << one.error();
    ASSERT_EQ(one.value().size(), 1u) << id;
    EXPECT_EQ(one.value().sensors()[0].sensor_id, id);
  }
}

TEST_F(SqliteHistoryStoreTest, WindowIsHalfOpen) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  std::vector<reading> readings;
  for (int i = 0; i < 10; ++i) {
    readings.push_back(make_reading("s", kBase + i, i));
  }
  ASSERT_TRUE(store->append(readings).has_value());

  auto loaded = store->load({kBase + 2, kBase + 5, {}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded.value().timestamps(),
            (std::vector<epoch_ns>{kBase + 2, kBase + 3, kBase + 4}));
}

TEST_F(SqliteHistoryStoreTest, SensorFilterSelectsSensors) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  std::vector<reading> readings;
  for (int i = 0; i < 12; ++i) {
    readings.push_back(make_reading(fmt::format("s{}", i % 3), kBase + i, i));
  }
  ASSERT_TRUE(store->append(readings).has_value());

  auto loaded = store->load({kBase, kBase + 100, {"s2", "missing", "s0"}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  const reading_history& history = loaded.value();
  EXPECT_EQ(history.values(), (std::vector<double>{0, 2, 3, 5, 6, 8, 9, 11}));
  ASSERT_EQ(history.sensors().size(), 2u);
  EXPECT_EQ(history.sensors()[0].sensor_id, "s0");
  EXPECT_EQ(history.sensors()[1].sensor_id, "s2");

  auto none = store->load({kBase, kBase + 100, {"missing"}});
  ASSERT_TRUE(none.has_value()) << none.error();
  EXPECT_EQ(none.value().size(), 0u);
  EXPECT_TRUE(none.value().sensors().empty());
}

TEST_F(SqliteHistoryStoreTest, EqualTimestampsKeepIngestionOrder) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  // Two appends, both with rows at kBase + 5, the second also earlier rows.
  std::vector<reading> first = {make_reading("b", kBase + 5, 1),
                                make_reading("a", kBase + 5, 2),
                                make_reading("c", kBase + 5, 3)};
  std::vector<reading> second = {make_reading("a", kBase + 5, 4),
                                 make_reading("b", kBase + 1, 5),
                                 make_reading("b", kBase + 5, 6)};
  ASSERT_TRUE(store->append(first).has_value());
  ASSERT_TRUE(store->append(second).has_value());

  auto loaded = store->load({kBase, kBase + 10, {}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  EXPECT_EQ(loaded.value().values(), (std::vector<double>{5, 1, 2, 3, 4, 6}));

  auto filtered = store->load({kBase, kBase + 10, {"a", "b"}});
  ASSERT_TRUE(filtered.has_value()) << filtered.error();
  EXPECT_EQ(filtered.value().values(), (std::vector<double>{5, 1, 2, 4, 6}));
}

TEST_F(SqliteHistoryStoreTest, EmptyWindowReturnsNoRows) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->append(std::vector{make_reading("s", kBase, 1)}).has_value());

  auto same = store->load({kBase, kBase, {}});
  ASSERT_TRUE(same.has_value()) << same.error();
  EXPECT_EQ(same.value().size(), 0u);

  auto later = store->load({kBase + 1, kBase + 1000, {}});
  ASSERT_TRUE(later.has_value()) << later.error();
  EXPECT_EQ(later.value().size(), 0u);
  EXPECT_TRUE(later.value().sensors().empty());
}

TEST_F(SqliteHistoryStoreTest, ReversedWindowRejected) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto loaded = store->load({kBase + 1, kBase, {}});
  ASSERT_FALSE(loaded.has_value());
  EXPECT_NE(loaded.error().find("before start"), std::string::npos)
      << loaded.error();
}

TEST_F(SqliteHistoryStoreTest, CountAndTimeRange) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto empty_count = store->count();
  ASSERT_TRUE(empty_count.has_value()) << empty_count.error();
  EXPECT_EQ(empty_count.value(), 0);
  auto empty_range = store->time_range();
  ASSERT_TRUE(empty_range.has_value()) << empty_range.error();
  EXPECT_FALSE(empty_range.value().has_value());

  ASSERT_TRUE(store
                  ->append(std::vector{make_reading("s", kBase + 7, 1),
                                       make_reading("s", kBase - 3, 2),
                                       make_reading("t", kBase + 2, 3)})
                  .has_value());
  auto count = store->count();
  ASSERT_TRUE(count.has_value()) << count.error();
  EXPECT_EQ(count.value(), 3);
  auto range = store->time_range();
  ASSERT_TRUE(range.has_value()) << range.error();
  ASSERT_TRUE(range.value().has_value());
  EXPECT_EQ(range.value()->first, kBase - 3);
  EXPECT_EQ(range.value()->last, kBase + 7);
}

TEST_F(SqliteHistoryStoreTest, OpenCreatesParentFolders) {
  path_ = folder_ / "a" / "b" / "history.db";
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(fs::exists(path_));
  EXPECT_EQ(store->path(), path_);
}

TEST_F(SqliteHistoryStoreTest, CorruptFileNamesPathAndFix) {
  fs::create_directories(folder_);
  {
    std::ofstream file(path_, std::ios::binary);
    std::mt19937 random(7);
    for (int i = 0; i < 64 * 1024; ++i) {
      file.put(static_cast<char>(random() & 0xff));
    }
  }
  auto store = sqlite_history_store::open(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find(path_.string()), std::string::npos)
      << store.error();
  EXPECT_NE(store.error().find("Move it aside"), std::string::npos)
      << store.error();
}

TEST_F(SqliteHistoryStoreTest, NewerSchemaVersionRejected) {
  { ASSERT_NE(open_store(), nullptr); }
  run_sql(path_, "PRAGMA user_version = 2");

  auto store = sqlite_history_store::open(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("schema version 2, newer than version 1"),
            std::string::npos)
      << store.error();
  EXPECT_NE(store.error().find(path_.string()), std::string::npos)
      << store.error();
}

TEST_F(SqliteHistoryStoreTest, ForeignDatabaseRejected) {
  fs::create_directories(folder_);
  run_sql(path_, "CREATE TABLE readings (x TEXT)");

  auto store = sqlite_history_store::open(path_);
  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().find("not an ntscada history store"),
            std::string::npos)
      << store.error();
}

TEST_F(SqliteHistoryStoreTest, NonFiniteValueRejectsWholeAppend) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  auto appended = store->append(std::vector{make_reading("s", kBase, 1),
                                            make_reading("s", kBase + 1, NAN)});
  ASSERT_FALSE(appended.has_value());
  EXPECT_NE(appended.error().find("non-finite"), std::string::npos)
      << appended.error();
  EXPECT_EQ(store->count().value(), 0);
}

TEST_F(SqliteHistoryStoreTest, FailedAppendStoresNothing) {
  auto store = open_store();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->append(std::vector{make_reading("old", kBase, 1)}).has_value());
  // A trigger makes the insert of value 666 fail in the middle of a batch
  // that also introduces a new sensor.
  run_sql(path_,
          "CREATE TRIGGER fail_666 BEFORE INSERT ON readings "
          "WHEN NEW.value = 666 BEGIN SELECT RAISE(ABORT, 'test failure'); "
          "END");
  std::vector<reading> batch = {make_reading("new", kBase + 1, 2, true),
                                make_reading("old", kBase + 2, 666)};
  auto appended = store->append(batch);
  ASSERT_FALSE(appended.has_value());
  EXPECT_NE(appended.error().find("test failure"), std::string::npos)
      << appended.error();
  EXPECT_EQ(store->count().value(), 1);

  // The rolled-back sensor row must not be reused from the cache.
  run_sql(path_, "DROP TRIGGER fail_666");
  batch[1].value = 3;
  ASSERT_TRUE(store->append(batch).has_value());
  auto loaded = store->load({kBase, kBase + 10, {"new"}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_EQ(loaded.value().size(), 1u);
  EXPECT_EQ(loaded.value().sensors()[0].sensor_id, "new");
  EXPECT_EQ(loaded.value().anomaly_labels()[0], 1);
}

TEST_F(SqliteHistoryStoreTest, BusyDatabaseWaitsThenFails) {
  auto store = sqlite_history_store::open(
      path_, {.busy_timeout = std::chrono::milliseconds(200)});
  ASSERT_TRUE(store.has_value()) << store.error();

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto started = std::chrono::steady_clock::now();
  auto blocked =
      store.value()->append(std::vector{make_reading("s", kBase, 1)});
  auto waited = std::chrono::steady_clock::now() - started;
  ASSERT_FALSE(blocked.has_value());
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_NE(blocked.error().find("held the lock for more than 200 ms"),
            std::string::npos)
      << blocked.error();

  // A lock released within the timeout only delays the append.
  std::thread releaser([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  auto appended =
      store.value()->append(std::vector{make_reading("s", kBase, 1)});
  releaser.join();
  sqlite3_close(other);
  EXPECT_TRUE(appended.has_value()) << appended.error();
  EXPECT_EQ(store.value()->count().value(), 1);
}

// Measures append and load rates; run by hand with
// --gtest_also_run_disabled_tests --gtest_filter='*Rate*'.
TEST_F(SqliteHistoryStoreTest, DISABLED_AppendAndLoadRate) {
  constexpr int kBatches = 100;
  constexpr int kBatchRows = 10'000;
  constexpr int kSensors = 100;
  auto store = open_store();
  ASSERT_NE(store, nullptr);

  std::vector<reading> batch;
  for (int i = 0; i < kBatchRows; ++i) {
    batch.push_back(make_reading(
        fmt::format("plant/sensor-{}", i % kSensors), 0, 20.0 + i % 17,
        i % 50 == 0 ? std::optional(true) : std::nullopt));
  }
  double append_seconds = 0;
  for (int b = 0; b < kBatches; ++b) {
    for (int i = 0; i < kBatchRows; ++i) {
      batch[i].timestamp = kBase + (b * kBatchRows + i) * 1'000'000LL;
    }
    auto started = std::chrono::steady_clock::now();
    ASSERT_TRUE(store->append(batch).has_value());
    append_seconds += std::chrono::duration<double>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  }
  double rows = double(kBatches) * kBatchRows;

  auto started = std::chrono::steady_clock::now();
  auto loaded = store->load({kBase, kBase + 3'600'000'000'000LL, {}});
  double load_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_EQ(loaded.value().size(), static_cast<std::size_t>(rows));

  started = std::chrono::steady_clock::now();
  auto one =
      store->load({kBase, kBase + 3'600'000'000'000LL, {"plant/sensor-7"}});
  double one_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started)
          .count();
  ASSERT_TRUE(one.has_value()) << one.error();
  ASSERT_EQ(one.value().size(), static_cast<std::size_t>(rows / kSensors));

  std::printf(
      "append: %.0f rows in %.2f s = %.0f rows/s (batches of %d)\n"
      "load all: %.2f s = %.0f rows/s\n"
      "load one sensor: %zu rows in %.3f s\n"
      "file: %.1f MB\n",
      rows, append_seconds, rows / append_seconds, kBatchRows, load_seconds,
      rows / load_seconds, one.value().size(), one_seconds,
      static_cast<double>(fs::file_size(path_)) / 1e6);
}

}  // namespace
}  // namespace ntscada
