#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "monitoring/endpoint_address.h"
#include "monitoring/metric_registry.h"
#include "monitoring/readiness.h"

namespace ntscada {

// An HTTP server on its own threads that serves
//   GET /metrics  the registry in the Prometheus text format 0.0.4,
//   GET /healthz  200 "ok" while the process runs (liveness),
//   GET /readyz   200 when every readiness check passes, else 503. The
//                 JSON body names each check and why it fails.
// Any other path gets 404. The server keeps no secrets and offers no write
// operation, but it has no authentication either, so bind it to loopback
// or to a network that only the scraper reaches.
//
// Thread safety: the registry and the checks are read from the server's
// threads and must outlive the server. Destroying the server stops it and
// joins its threads.
class metrics_server {
 public:
  // Binds `address` (port 0 picks a free port) and starts serving. Fails
  // with a message naming the address when it cannot be bound.
  static result<std::unique_ptr<metrics_server>, std::string> start(
      const endpoint_address& address, const metric_registry& registry,
      std::vector<readiness_check> checks);
  ~metrics_server();
  metrics_server(const metrics_server&) = delete;
  metrics_server& operator=(const metrics_server&) = delete;

  // The bound address, with the actual port when 0 was requested.
  const endpoint_address& address() const;

 private:
  struct state;
  explicit metrics_server(std::unique_ptr<state> s);
  std::unique_ptr<state> state_;
};

}  // namespace ntscada
