// Runs `ntscada stream` and a real Prometheus server (Debian's prometheus
// package) that scrapes it, and reads a counter back through Prometheus's
// HTTP API.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "child_process.h"
#include "kafka_test_support.h"

namespace ntscada {
namespace {

using testing::child_process;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr std::int64_t kBaseMs = 1'717'243'200'000;

// Returns a TCP port on 127.0.0.1 that was free a moment ago. Another
// process may take it before Prometheus binds it. The first query then
// times out, and the failure message shows Prometheus's log.
int free_loopback_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    close(fd);
    return -1;
  }
  close(fd);
  return ntohs(address.sin_port);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

std::string percent_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cluster_ = testing::start_cluster(2);
    brokers_ = cluster_->bootstrap_servers();
    work_dir_ = std::filesystem::temp_directory_path() /
                fmt::format("ntscada-prometheus-test-{}", getpid());
    std::filesystem::remove_all(work_dir_);
    std::filesystem::create_directories(work_dir_ / "tsdb");
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(work_dir_, ignored);
  }

  // Waits for the processor's log line that names its bound metrics port.
  // A plain search, because std::regex trips GCC 12's maybe-uninitialized
  // warning under the sanitizers.
  int wait_for_metrics_port(const std::filesystem::path& log) {
    const std::string prefix =
        "serving /metrics, /healthz and /readyz on http://127.0.0.1:";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text = read_file(log);
      auto at = text.find(prefix);
      auto digits = at + prefix.size();
      if (at != std::string::npos && digits < text.size() &&
          std::isdigit(static_cast<unsigned char>(text[digits]))) {
        return std::stoi(text.substr(digits));
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "the processor never logged its metrics port:\n"
                  << read_file(log);
    return -1;
  }

  // Runs an instant query and returns the value of its single series, or
  // nullopt while the result is empty.
  std::optional<std::string> query_single_value(int port,
                                                const std::string& query) {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(5));
    auto response = client.Get("/api/v1/query?query=" + percent_encode(query));
    if (!response || response->status != 200) return std::nullopt;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    if (parser.parse(response->body).get(doc) != simdjson::SUCCESS) {
      ADD_FAILURE() << "Prometheus returned invalid JSON: " << response->body;
      return std::nullopt;
    }
    std::string_view status;
    EXPECT_EQ(doc["status"].get_string().get(status), simdjson::SUCCESS);
    EXPECT_EQ(status, "success") << response->body;
    simdjson::dom::array result;
    if (doc["data"]["result"].get_array().get(result) != simdjson::SUCCESS ||
        result.size() == 0) {
      return std::nullopt;
    }
    EXPECT_EQ(result.size(), 1u) << response->body;
    std::string_view value;
    if (result.at(0)["value"].at(1).get_string().get(value) !=
        simdjson::SUCCESS) {
      ADD_FAILURE() << "unexpected query result: " << response->body;
      return std::nullopt;
    }
    return std::string(value);
  }

  // Polls `query` until it returns `expected` or 60 s pass.
  void expect_query_reaches(int port, const std::string& query,
                            const std::string& expected) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::optional<std::string> last;
    while (std::chrono::steady_clock::now() < deadline) {
      last = query_single_value(port, query);
      if (last == expected) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    ADD_FAILURE() << query << " never reached " << expected << "; last value "
                  << last.value_or("(no series)") << "\nPrometheus log:\n"
                  << read_file(work_dir_ / "prometheus.log");
  }

  std::unique_ptr<mock_cluster> cluster_;
  std::string brokers_;
  std::filesystem::path work_dir_;
  topic_names topics_;
};

TEST_F(PrometheusScrapeTest, PrometheusReadsExactCounters) {
  ASSERT_TRUE(std::filesystem::exists(kPrometheus))
      << kPrometheus << " is missing; scripts/install-deps.sh installs "
      << "Debian's prometheus package";

  auto stream_log = work_dir_ / "stream.log";
  child_process stream(
      {NTSCADA_BINARY, "stream", "--brokers", brokers_, "--group",
       "prometheus-test", "--metrics-address", "127.0.0.1:0",
       "--consumer-property", "fetch.wait.max.ms=1", "--consumer-property",
       "statistics.interval.ms=500"},
      stream_log.string());
  int metrics_port = wait_for_metrics_port(stream_log);
  ASSERT_GT(metrics_port, 0);

  // 40 valid readings and 10 invalid messages.
  std::vector<std::pair<std::string, std::string>> records;
  for (int i = 0; i < 40; ++i) {
    std::string sensor = fmt::format("plant/s{}", i % 7);
    records.emplace_back(
        sensor, testing::reading_json(sensor, "pressure", 50, kBaseMs + i));
  }
  for (int i = 0; i < 10; ++i) {
    records.emplace_back("plant/bad", fmt::format("not json {}", i));
  }
  testing::produce_all(brokers_, topics_.sensors, records);

  int prometheus_port = free_loopback_port();
  ASSERT_GT(prometheus_port, 0);
  std::ofstream(work_dir_ / "prometheus.yml") << fmt::format(
      "global:\n"
      "  scrape_interval: 1s\n"
      "  scrape_timeout: 1s\n"
      "  evaluation_interval: 1s\n"
      "scrape_configs:\n"
      "  - job_name: ntscada-stream\n"
      "    static_configs:\n"
      "      - targets: ['127.0.0.1:{}']\n",
      metrics_port);
  child_process prometheus(
      {kPrometheus, "--config.file=" + (work_dir_ / "prometheus.yml").string(),
       "--storage.tsdb.path=" + (work_dir_ / "tsdb").string(),
       fmt::format("--web.listen-address=127.0.0.1:{}", prometheus_port)},
      (work_dir_ / "prometheus.log").string());

  expect_query_reaches(prometheus_port, "up{job=\"ntscada-stream\"}", "1");
  expect_query_reaches(prometheus_port,
                       "ntscada_stream_messages_consumed_total", "50");
  expect_query_reaches(prometheus_port,
                       "ntscada_stream_results_acknowledged_total", "40");
  expect_query_reaches(prometheus_port,
                       "ntscada_stream_deadletters_acknowledged_total", "10");
  expect_query_reaches(
      prometheus_port,
      "ntscada_stream_deadletters_total{reason=\"invalid_json\"}", "10");
  expect_query_reaches(prometheus_port,
                       "ntscada_stream_processing_latency_seconds_count", "50");
  expect_query_reaches(prometheus_port,
                       "ntscada_stream_model_info{model=\"rules\"}", "1");

  prometheus.send_signal(SIGTERM);
  EXPECT_EQ(prometheus.wait(std::chrono::seconds(30)), 0);
  stream.send_signal(SIGTERM);
  EXPECT_EQ(stream.wait(std::chrono::seconds(30)), 0);
}

}  // namespace
}  // namespace ntscada
