#pragma once
// Results are Boost.Outcome values: an operation returns a value or an atomkv::error, never
// throws across the API. Observing the wrong alternative terminates (a programming error).

#include <boost/outcome/policy/terminate.hpp>
#include <boost/outcome/result.hpp>
#include <boost/outcome/try.hpp>

#include "atomkv/error.hpp"

namespace atomkv {

namespace outcome = boost::outcome_v2;

template <class T, class E = error>
using result = outcome::basic_result<T, E, outcome::policy::terminate>;

// `return failure(error::other("..."));` reads better than naming the Outcome type.
using outcome::failure;

}  // namespace atomkv
