#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "influx/influx_config.h"

namespace ntscada::testing {

// A real InfluxDB 1.x server (influxd) for tests, in a temporary folder
// with its own configuration file. Data, meta and WAL folders are inside
// the folder, reporting and monitoring are off, HTTP and the RPC service
// listen on free loopback ports, and authentication is on. The constructor
// creates an admin user with the one unauthenticated CREATE USER call that
// InfluxDB 1.x allows.
//
// The binary is $NTSCADA_INFLUXD, else /usr/bin/influxd, else influxd on
// PATH; Debian installs it with `apt-get install influxdb`
// (scripts/install-deps.sh). Construction throws std::runtime_error when
// influxd is missing or does not answer within 30 seconds, so a test
// without a server fails instead of passing.
class influxd_server {
 public:
  influxd_server();
  // Stops the server and removes its folder.
  ~influxd_server();
  influxd_server(const influxd_server&) = delete;
  influxd_server& operator=(const influxd_server&) = delete;

  // Stops the server with SIGTERM (SIGKILL after 15 seconds) and waits for
  // it to exit. Its data stays.
  void stop();
  // Starts the stopped server again on the same ports and data. Throws like
  // the constructor.
  void start();
  bool running() const { return pid_ > 0; }

  int port() const { return http_port_; }
  std::string url() const;
  // Client settings for `database` as the admin user.
  influx_config config(const std::string& database) const;
  // Creates `database`. Throws on failure.
  void create_database(const std::string& database) const;

  static constexpr const char* kAdminUser = "ntscada-admin";
  static constexpr const char* kAdminPassword = "test-Pa55'word";

 private:
  void launch();
  void wait_until_ready();

  std::filesystem::path folder_;
  std::string binary_;
  int http_port_ = 0;
  int rpc_port_ = 0;
  pid_t pid_ = -1;
};

// Returns a free TCP port on 127.0.0.1, found by binding port 0.
int free_loopback_port();

}  // namespace ntscada::testing
