// Uses the installed headers and library: a forward and backward pass, printed.
#include <torsh/torsh.h>

#include <iostream>

int main() {
  torsh::manual_seed(0);
  torsh::nn::Linear fc(3, 2);
  auto x = torsh::randn({4, 3});
  auto loss = fc->forward(x).relu().sum();
  loss.backward();
  std::cout << "loss " << loss.item<float>() << "\n" << fc->weight.grad() << "\n";
  return 0;
}
