#include "history/history_ingester.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <mutex>
#include <set>
#include <thread>

#include "history/sqlite_history_store.h"
#include "kafka_test_support.h"

namespace ntscada {
namespace {

namespace fs = std::filesystem;
using testing::reading_json;

constexpr std::int64_t kBaseMs = 1'717'243'200'000;
constexpr int kPartitions = 3;
constexpr int kValidPerPartition = 10;
// Each partition gets its valid readings and one invalid message.
constexpr std::int64_t kMessagesPerPartition = kValidPerPartition + 1;

// Waits up to `timeout` for `condition` and returns its last value.
bool wait_for(const std::function<bool()>& condition,
              std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

void run_sql(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  int code = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
  std::string text = message != nullptr ? message : "";
  sqlite3_free(message);
  sqlite3_close(db);
  ASSERT_EQ(code, SQLITE_OK) << text;
}

// A sink that fails every append until allowed, then delegates to a real
// store. Records the (sensor, timestamp) rows of every attempt.
class failing_sink : public history_sink {
 public:
  explicit failing_sink(history_sink& target) : target_(target) {}

  result<bool, std::string> append(std::span<const reading> readings) override {
    std::vector<std::pair<std::string, epoch_ns>> rows;
    for (const reading& r : readings)
      rows.emplace_back(r.sensor_id, r.timestamp);
    {
      std::lock_guard lock(mutex_);
      attempts_.push_back(std::move(rows));
    }
    if (!allow_.load()) {
      return failure{std::string("test sink: injected append failure")};
    }
    return target_.append(readings);
  }

  void allow() { allow_.store(true); }
  std::size_t attempt_count() {
    std::lock_guard lock(mutex_);
    return attempts_.size();
  }
  std::vector<std::vector<std::pair<std::string, epoch_ns>>> attempts() {
    std::lock_guard lock(mutex_);
    return attempts_;
  }

 private:
  history_sink& target_;
  std::atomic<bool> allow_{false};
  std::mutex mutex_;
  std::vector<std::vector<std::pair<std::string, epoch_ns>>> attempts_;
};

// Runs an ingester on a background thread until stop() is called.
class running_ingester {
 public:
  running_ingester(ingest_options options, history_sink& sink) {
    auto created = history_ingester::create(std::move(options), sink);
    if (!created) throw std::runtime_error(created.error());
    ingester_ = std::move(created.value());
    thread_ = std::thread([this] { exit_code_ = ingester_->run(stop_); });
  }
  ~running_ingester() {
    if (thread_.joinable()) stop();
  }

  int stop() {
    stop_.store(true);
    thread_.join();
    return exit_code_;
  }
  const ingest_stats& stats() const { return ingester_->stats(); }

 private:
  std::unique_ptr<history_ingester> ingester_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int exit_code_ = -1;
};

class HistoryIngesterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = testing::start_cluster(kPartitions);
    brokers_ = cluster_->bootstrap_servers();
    folder_ =
        fs::temp_directory_path() /
        fmt::format(
            "ntscada-ingest-{}-{}", ::getpid(),
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(folder_);
    auto store = sqlite_history_store::open(folder_ / "history.db");
    if (!store) throw std::runtime_error(store.error());
    store_ = std::move(store.value());
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(folder_);
  }

  ingest_options options(const std::string& group) {
    ingest_options result;
    result.brokers = brokers_;
    result.group_id = group;
    // One-millisecond fetch waits, because the mock broker keeps an empty
    // fetch for the whole fetch.wait.max.ms.
    result.consumer_properties = {{"fetch.wait.max.ms", "1"},
                                  {"session.timeout.ms", "6000"}};
    result.batch_rows = 1000;
    result.batch_interval = std::chrono::milliseconds(200);
    result.poll_timeout = std::chrono::milliseconds(20);
    result.retry_backoff = std::chrono::milliseconds(50);
    result.max_retry_backoff = std::chrono::milliseconds(200);
    return result;
  }

  // Produces `valid` readings to each partition, starting at `first`, and
  // one invalid message after the first five when `with_invalid` is set.
  void produce(int first, int valid, bool with_invalid) {
    for (int p = 0; p < kPartitions; ++p) {
      std::vector<std::pair<std::string, std::string>> records;
      std::string sensor = fmt::format("line1/s{}", p);
      for (int i = first; i < first + valid; ++i) {
        if (with_invalid && i == first + 5) {
          records.emplace_back(sensor, R"({"sensor_id":"broken","value":)");
        }
        records.emplace_back(sensor,
                             reading_json(sensor, "temperature", 40.0 + i,
                                          kBaseMs + p * 1000 + i));
      }
      testing::produce_all(brokers_, topics_.sensors, records, p);
    }
  }

  bool all_committed(const std::string& group, std::int64_t offset) {
    for (int p = 0; p < kPartitions; ++p) {
      if (testing::committed_offset(brokers_, group, topics_.sensors, p) !=
          offset) {
        return false;
      }
    }
    return true;
  }

  // Counts through a second connection, because the ingester thread owns
  // store_ while it runs.
  std::int64_t stored() {
    auto reader = sqlite_history_store::open(store_->path());
    if (!reader) throw std::runtime_error(reader.error());
    auto count = reader.value()->count();
    if (!count) throw std::runtime_error(count.error());
    return count.value();
  }

  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  topic_names topics_;
  fs::path folder_;
  std::unique_ptr<sqlite_history_store> store_;
};

TEST_F(HistoryIngesterTest, StoresValidAndCommitsOffsets) {
  produce(0, kValidPerPartition, true);
  {
    running_ingester ingester(options("ingest-exact"), *store_);
    ASSERT_TRUE(wait_for(
        [&] { return all_committed("ingest-exact", kMessagesPerPartition); }));
    EXPECT_EQ(ingester.stop(), kIngestExitClean);
    EXPECT_EQ(ingester.stats().consumed.load(),
              static_cast<std::uint64_t>(kPartitions * kMessagesPerPartition));
    EXPECT_EQ(ingester.stats().invalid.load(),
              static_cast<std::uint64_t>(kPartitions));
    EXPECT_EQ(ingester.stats().stored.load(),
              static_cast<std::uint64_t>(kPartitions * kValidPerPartition));
    EXPECT_EQ(ingester.stats().store_failures.load(), 0u);
  }
  EXPECT_EQ(stored(), kPartitions * kValidPerPartition);

  auto loaded = store_->load({0, std::numeric_limits<epoch_ns>::max(), {}});
  ASSERT_TRUE(loaded.has_value()) << loaded.error();
  ASSERT_EQ(loaded.value().sensors().size(),
            static_cast<std::size_t>(kPartitions));
  for (std::size_t i = 0; i < loaded.value().size(); ++i) {
    const sensor_info& sensor =
        loaded.value().sensors()[loaded.value().sensor_column()[i]];
    int p = sensor.sensor_id.back() - '0';
    epoch_ns ms = loaded.value().timestamps()[i] / 1'000'000;
    EXPECT_EQ(loaded.value().values()[i],
              40.0 + static_cast<double>(ms - kBaseMs - p * 1000))
        << i;
    EXPECT_EQ(sensor.unit, "C");
  }

  // A second run starts after the committed offsets: only new readings.
  produce(kValidPerPartition, 2, false);
  running_ingester again(options("ingest-exact"), *store_);
  ASSERT_TRUE(wait_for([&] {
    return all_committed("ingest-exact", kMessagesPerPartition + 2);
  }));
  EXPECT_EQ(again.stop(), kIngestExitClean);
  EXPECT_EQ(again.stats().consumed.load(),
            static_cast<std::uint64_t>(kPartitions * 2));
  EXPECT_EQ(stored(), kPartitions * (kValidPerPartition + 2));
}

TEST_F(HistoryIngesterTest, StopWritesAndCommitsOpenBatch) {
  produce(0, kValidPerPartition, true);
  auto slow = options("ingest-stop");
  slow.batch_interval = std::chrono::minutes(10);
  running_ingester ingester(slow, *store_);
  ASSERT_TRUE(wait_for([&] {
    return ingester.stats().consumed.load() ==
           static_cast<std::uint64_t>(kPartitions * kMessagesPerPartition);
  }));
  EXPECT_EQ(stored(), 0);
  EXPECT_EQ(ingester.stop(), kIngestExitClean);
  EXPECT_EQ(ingester.stats().batches.load(), 1u);
  EXPECT_EQ(stored(), kPartitions * kValidPerPartition);
  EXPECT_TRUE(all_committed("ingest-stop", kMessagesPerPartition));
}

TEST_F(HistoryIngesterTest, FailingSinkRetriesSameBatch) {
  produce(0, kValidPerPartition, true);
  failing_sink sink(*store_);
  running_ingester ingester(options("ingest-failing"), sink);
  ASSERT_TRUE(wait_for([&] {
    return ingester.stats().consumed.load() ==
           static_cast<std::uint64_t>(kPartitions * kMessagesPerPartition);
  }));
  // At least three failed attempts, one of them after everything was
  // consumed, so the last failed batch contains every valid reading.
  std::size_t target_attempts =
      std::max<std::size_t>(sink.attempt_count() + 1, 3);
  ASSERT_TRUE(
      wait_for([&] { return sink.attempt_count() >= target_attempts; }));

  for (int p = 0; p < kPartitions; ++p) {
    EXPECT_EQ(testing::committed_offset(brokers_, "ingest-failing",
                                        topics_.sensors, p),
              -1)
        << "partition " << p;
  }
  EXPECT_EQ(stored(), 0);
  EXPECT_EQ(ingester.stats().stored.load(), 0u);

  sink.allow();
  ASSERT_TRUE(wait_for(
      [&] { return all_committed("ingest-failing", kMessagesPerPartition); }));
  EXPECT_EQ(ingester.stop(), kIngestExitClean);
  EXPECT_GE(ingester.stats().store_failures.load(), 3u);
  EXPECT_EQ(ingester.stats().batches.load(), 1u);

  auto attempts = sink.attempts();
  ASSERT_GE(attempts.size(), 4u);
  const auto& succeeded = attempts.back();
  EXPECT_EQ(succeeded.size(),
            static_cast<std::size_t>(kPartitions * kValidPerPartition));
  EXPECT_EQ(attempts[attempts.size() - 2], succeeded);
  std::set<std::pair<std::string, epoch_ns>> distinct(succeeded.begin(),
                                                      succeeded.end());
  EXPECT_EQ(distinct.size(), succeeded.size());
  EXPECT_EQ(stored(), kPartitions * kValidPerPartition);
}

TEST_F(HistoryIngesterTest, FailingSqliteStoreRetried) {
  // A trigger makes every insert into the real store fail until dropped.
  run_sql(store_->path(),
          "CREATE TRIGGER reject_all BEFORE INSERT ON readings "
          "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
  produce(0, kValidPerPartition, true);
  running_ingester ingester(options("ingest-sqlite"), *store_);
  ASSERT_TRUE(
      wait_for([&] { return ingester.stats().store_failures.load() >= 2; }));
  EXPECT_EQ(
      testing::committed_offset(brokers_, "ingest-sqlite", topics_.sensors, 0),
      -1);
  EXPECT_EQ(stored(), 0);

  run_sql(store_->path(), "DROP TRIGGER reject_all");
  ASSERT_TRUE(wait_for(
      [&] { return all_committed("ingest-sqlite", kMessagesPerPartition); }));
  EXPECT_EQ(ingester.stop(), kIngestExitClean);
  EXPECT_EQ(stored(), kPartitions * kValidPerPartition);
}

TEST_F(HistoryIngesterTest, StopGivesUpFailingBatchUncommitted) {
  produce(0, kValidPerPartition, true);
  failing_sink sink(*store_);
  auto quick = options("ingest-give-up");
  quick.shutdown_timeout = std::chrono::milliseconds(300);
  running_ingester ingester(quick, sink);
  ASSERT_TRUE(wait_for([&] { return sink.attempt_count() >= 2; }));
  EXPECT_EQ(ingester.stop(), kIngestExitUnstored);
  EXPECT_EQ(stored(), 0);
  EXPECT_EQ(
      testing::committed_offset(brokers_, "ingest-give-up", topics_.sensors, 0),
      -1);
}

}  // namespace
}  // namespace ntscada
