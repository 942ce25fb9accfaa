#pragma once

#include <utility>
#include <variant>

namespace ntscada {

// Wraps an error value so that result<T, E> can be built from it even when
// T and E are the same type. Shaped like std::unexpected so that result can
// become std::expected once the project moves to C++23.
template <class E>
struct failure {
  E error;
};

template <class E>
failure(E) -> failure<E>;

// A value of type T or an error of type E, in the shape of std::expected.
template <class T, class E>
class [[nodiscard]] result {
 public:
  result(T value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <class G>
  result(failure<G> error)
      : state_(std::in_place_index<1>, E(std::move(error.error))) {}

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  E& error() & { return std::get<1>(state_); }
  const E& error() const& { return std::get<1>(state_); }

 private:
  std::variant<T, E> state_;
};

}  // namespace ntscada
