// Run under mpirun -np N (N >= 2): torsh::distributed's C++ API against values computed by hand
// for each rank. A failed check throws, which ends the job with a non-zero status.
#include <torsh/core/print_options.h>
#include <torsh/distributed.h>
#include <torsh/torsh.h>

#include <iostream>

namespace dist = torsh::distributed;

namespace {
void expect(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error("check failed: " + what);
}
void expect_equal(const torsh::Tensor& got, const torsh::Tensor& want, const std::string& what) {
  expect(torsh::equal(got, want),
         what + ": got " + torsh::repr(got) + " want " + torsh::repr(want));
}
}  // namespace

int main() {
  dist::init_process_group("mpi");
  auto world = dist::default_group();
  const int r = world->rank(), w = world->size();
  expect(dist::is_initialized() && dist::get_rank() == r && dist::get_world_size() == w, "rank");
  const int64_t tri = int64_t{w} * (w + 1) / 2;

  auto f = torsh::full({3}, static_cast<double>(r + 1), torsh::kFloat);
  world->allreduce(f)->wait();
  expect_equal(f, torsh::full({3}, static_cast<double>(tri), torsh::kFloat), "allreduce sum");
  auto i = torsh::tensor({int64_t{r}, int64_t{-r}});
  world->allreduce(i, dist::ReduceOp::MAX)->wait();
  expect_equal(i, torsh::tensor({int64_t{w - 1}, int64_t{0}}), "allreduce max");
  auto nc = (torsh::arange(6, torsh::kDouble).reshape({2, 3}) * (r + 1)).t();
  auto work = world->allreduce(nc, dist::ReduceOp::SUM);
  expect(work->wait() && work->is_completed() && work->is_success(), "work state");
  expect_equal(nc, torsh::arange(6, torsh::kDouble).reshape({2, 3}).t() * static_cast<double>(tri),
               "allreduce non-contiguous");

  auto b = torsh::full({2}, static_cast<double>(r), torsh::kFloat);
  world->broadcast(b, w - 1)->wait();
  expect_equal(b, torsh::full({2}, static_cast<double>(w - 1), torsh::kFloat), "broadcast");

  std::vector<torsh::Tensor> outs;
  for (int k = 0; k < w; ++k) outs.push_back(torsh::zeros({2}, torsh::kInt));
  world->allgather(outs, torsh::full({2}, r * 3, torsh::kInt))->wait();
  for (int k = 0; k < w; ++k)
    expect_equal(outs[k], torsh::full({2}, k * 3, torsh::kInt), "allgather");

  // A ring of sends, posted before the receives.
  auto sent = world->send(torsh::full({4}, static_cast<double>(r), torsh::kFloat), (r + 1) % w);
  auto got = torsh::zeros({4}, torsh::kFloat);
  auto recvd = world->recv(got, (r + w - 1) % w);
  sent->wait();
  recvd->wait();
  expect(recvd->source_rank() == (r + w - 1) % w, "recv source");
  expect_equal(got, torsh::full({4}, static_cast<double>((r + w - 1) % w), torsh::kFloat), "ring");

  auto firsts = dist::new_group({0, 1});
  if (r < 2) {
    auto one = torsh::ones({1});
    firsts->allreduce(one)->wait();
    expect(firsts->size() == 2 && firsts->rank() == r && one.item<float>() == 2.0f, "group");
  } else {
    expect(firsts == nullptr, "non-member gets no group");
  }

  bool threw = false;
  try {
    world->broadcast(torsh::zeros({1}), w);
  } catch (const torsh::Error&) {
    threw = true;
  }
  expect(threw, "bad root raises");
  world->barrier()->wait();
  std::cout << "rank " << r << " of " << w << ": C++ collectives ok" << std::endl;
  return 0;
}
