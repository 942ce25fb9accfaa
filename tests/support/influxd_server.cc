#include "support/influxd_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "influx/influx_client.h"
#include "influx/influxql.h"

namespace ntscada::testing {
namespace {

namespace fs = std::filesystem;

std::string find_influxd() {
  if (const char* path = std::getenv("NTSCADA_INFLUXD"); path && *path) {
    return path;
  }
  if (fs::exists("/usr/bin/influxd")) return "/usr/bin/influxd";
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest = path;
    while (!rest.empty()) {
      std::string_view entry = rest.substr(0, rest.find(':'));
      rest.remove_prefix(std::min(rest.size(), entry.size() + 1));
      fs::path candidate = fs::path(entry) / "influxd";
      if (!entry.empty() && fs::exists(candidate)) return candidate.string();
    }
  }
  throw std::runtime_error(
      "influxd not found: install InfluxDB with scripts/install-deps.sh "
      "(Debian package influxdb) or set NTSCADA_INFLUXD to the binary");
}

}  // namespace

int free_loopback_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    throw std::runtime_error("binding a loopback port failed");
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

influxd_server::influxd_server() {
  binary_ = find_influxd();
  static std::atomic<int> counter{0};
  folder_ = fs::temp_directory_path() /
            fmt::format("ntscada-influxd-{}-{}", ::getpid(), counter++);
  fs::remove_all(folder_);
  fs::create_directories(folder_);
  http_port_ = free_loopback_port();
  rpc_port_ = free_loopback_port();

  std::ofstream(folder_ / "influxdb.conf") << fmt::format(
      R"(reporting-enabled = false
bind-address = "127.0.0.1:{rpc}"
[meta]
  dir = "{dir}/meta"
[data]
  dir = "{dir}/data"
  wal-dir = "{dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "127.0.0.1:{http}"
  auth-enabled = true
  log-enabled = false
  pprof-enabled = false
[logging]
  level = "warn"
  suppress-logo = true
[continuous_queries]
  enabled = false
[retention]
  enabled = false
[shard-precreation]
  enabled = false
)",
      fmt::arg("rpc", rpc_port_), fmt::arg("http", http_port_),
      fmt::arg("dir", folder_.string()));

  launch();
  influx_config setup;
  setup.url = url();
  setup.database = "unused";
  auto client = influx_client::create(setup);
  if (!client) throw std::runtime_error(client.error());
  auto created = client.value()->execute(
      fmt::format("CREATE USER {} WITH PASSWORD {} WITH ALL PRIVILEGES",
                  quote_identifier(kAdminUser), quote_string(kAdminPassword)));
  if (!created) {
    throw std::runtime_error("creating the influxd admin user failed: " +
                             created.error().describe());
  }
}

influxd_server::~influxd_server() {
  stop();
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

std::string influxd_server::url() const {
  return fmt::format("http://127.0.0.1:{}", http_port_);
}

influx_config influxd_server::config(const std::string& database) const {
  influx_config config;
  config.url = url();
  config.database = database;
  config.username = kAdminUser;
  config.password = kAdminPassword;
  return config;
}

void influxd_server::create_database(const std::string& database) const {
  auto client = influx_client::create(config(database));
  if (!client) throw std::runtime_error(client.error());
  auto created =
      client.value()->execute("CREATE DATABASE " + quote_identifier(database));
  if (!created) {
    throw std::runtime_error("CREATE DATABASE failed: " +
                             created.error().describe());
  }
}

void influxd_server::launch() {
  std::string config = (folder_ / "influxdb.conf").string();
  std::string log = (folder_ / "influxd.log").string();
  std::vector<std::string> argv = {binary_, "run", "-config", config};
  std::vector<char*> pointers;
  for (std::string& item : argv) pointers.push_back(item.data());
  pointers.push_back(nullptr);

  // fork and exec instead of posix_spawn, so that the child can ask the
  // kernel to kill it when the test process dies (PR_SET_PDEATHSIG): a test
  // killed by a timeout or a closed pipe then leaves no influxd behind.
  // The signal follows the thread that forked, which is the test's thread.
  pid_t parent = ::getpid();
  pid_t child = ::fork();
  if (child < 0) {
    throw std::runtime_error(
        fmt::format("starting {} failed: {}", binary_, std::strerror(errno)));
  }
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) ::_exit(127);
    ::dup2(in, STDIN_FILENO);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    ::execv(binary_.c_str(), pointers.data());
    ::_exit(127);
  }
  pid_ = child;
  wait_until_ready();
}

void influxd_server::wait_until_ready() {
  influx_config probe;
  probe.url = url();
  probe.database = "unused";
  probe.connect_timeout = std::chrono::milliseconds(500);
  auto client = influx_client::create(probe);
  if (!client) throw std::runtime_error(client.error());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (client.value()->ping()) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      std::ifstream in(folder_ / "influxd.log");
      std::string text((std::istreambuf_iterator<char>(in)),
                       std::istreambuf_iterator<char>());
      throw std::runtime_error("influxd exited at start: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  stop();
  throw std::runtime_error(
      fmt::format("influxd did not answer on {} within 30 s", url()));
}

void influxd_server::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  pid_ = -1;
}

void influxd_server::start() {
  if (pid_ > 0) return;
  launch();
}

}  // namespace ntscada::testing
