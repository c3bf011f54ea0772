#pragma once
// Errors: torsh::Error and its subclasses map to Python's RuntimeError, IndexError,
// TypeError, ValueError and NotImplementedError.
#include <sstream>
#include <stdexcept>
#include <string>

namespace torsh {

/// Base error of every torsh failure; maps to Python's RuntimeError.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
/// An index or dimension out of range; maps to Python's IndexError.
class IndexError : public Error {
 public:
  using Error::Error;
};
/// An argument of the wrong type or dtype; maps to Python's TypeError.
class TypeError : public Error {
 public:
  using Error::Error;
};
/// An argument with an invalid value; maps to Python's ValueError.
class ValueError : public Error {
 public:
  using Error::Error;
};
/// A feature torch also leaves unimplemented (a missing derivative); maps to Python's
/// NotImplementedError.
class NotImplementedError : public Error {
 public:
  using Error::Error;
};

namespace detail {
template <typename... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}
}  // namespace detail
}  // namespace torsh

#define TORSH_CHECK_T(ErrType, cond, ...)                            \
  do {                                                               \
    if (__builtin_expect(!(cond), 0)) {                              \
      throw ::torsh::ErrType(::torsh::detail::str_cat(__VA_ARGS__)); \
    }                                                                \
  } while (0)
/// Throws torsh::Error with the concatenated message when cond is false.
#define TORSH_CHECK(cond, ...) TORSH_CHECK_T(Error, cond, __VA_ARGS__)
/// Throws torsh::IndexError when cond is false.
#define TORSH_CHECK_INDEX(cond, ...) TORSH_CHECK_T(IndexError, cond, __VA_ARGS__)
/// Throws torsh::TypeError when cond is false.
#define TORSH_CHECK_TYPE(cond, ...) TORSH_CHECK_T(TypeError, cond, __VA_ARGS__)
/// Throws torsh::ValueError when cond is false.
#define TORSH_CHECK_VALUE(cond, ...) TORSH_CHECK_T(ValueError, cond, __VA_ARGS__)
