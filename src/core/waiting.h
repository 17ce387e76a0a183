// A blocking call made of an asynchronous one: `start` is given the
// callback to call, once, from any thread, with the answer; wait_for()
// returns that answer. For the few callers that may wait (a store's
// synchronous writes, a test): never on a thread the answer needs.
#pragma once

#include <future>
#include <utility>

namespace guichet {

template <typename Answer, typename Start>
Answer wait_for(Start&& start) {
  std::promise<Answer> promise;
  std::future<Answer> answer = promise.get_future();
  std::forward<Start>(start)([&promise](Answer value) { promise.set_value(std::move(value)); });
  return answer.get();
}

}  // namespace guichet
