#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

namespace ntscada {

// One condition that a service needs before it can do useful work, such as
// a broker connection or a reachable store.
struct readiness_check {
  // Short snake_case name shown in the /readyz body, e.g. "kafka".
  std::string name;
  // Returns std::nullopt when the condition holds, else the reason it does
  // not. Called on the HTTP thread, so it must only read thread-safe state.
  std::function<std::optional<std::string>()> probe;
};

struct readiness_report {
  bool ready = true;
  // {"status":"ready"|"not ready","checks":{"kafka":"ok",
  // "store":"<reason>",...}}
  std::string json;
};

// Runs every check. The service is ready when all pass; with no checks it is
// always ready.
readiness_report evaluate_readiness(std::span<const readiness_check> checks);

}  // namespace ntscada
