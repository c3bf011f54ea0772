// Python view of autograd: Tensor attributes, grad mode, backward/grad, nodes, and custom
// Python Functions (torsh.autograd.Function).
#include <pybind11/functional.h>
#include <pybind11/stl.h>

#include <unordered_map>

#include "bindings.h"
#include "torsh/autograd/node.h"
#include "torsh/core/grad_mode.h"

namespace torsh::python {

namespace {
using autograd::Node;

std::vector<Tensor> tensor_list(py::handle h) {
  std::vector<Tensor> r;
  if (h.is_none()) return r;
  if (py::isinstance<Tensor>(h)) return {h.cast<Tensor>()};
  for (auto item : h) r.push_back(item.is_none() ? Tensor() : item.cast<Tensor>());
  return r;
}

py::object grad_or_none(const Tensor& t) { return t.defined() ? wrap(t) : py::none(); }

// A Python object C++ may own and drop without holding the GIL.
std::shared_ptr<py::object> py_owned(py::object o) {
  return std::shared_ptr<py::object>(new py::object(std::move(o)), [](py::object* p) {
    py::gil_scoped_acquire gil;
    delete p;
  });
}

// Saved-tensor hooks calling Python functions (torch.autograd.graph.saved_tensors_hooks).
autograd::SavedTensorHooks py_saved_tensor_hooks(py::function pack, py::function unpack) {
  autograd::SavedTensorHooks h;
  h.pack = [fn = py_owned(std::move(pack))](const Tensor& t) -> autograd::PackedTensor {
    py::gil_scoped_acquire gil;
    return py_owned((*fn)(t));
  };
  h.unpack = [fn = py_owned(std::move(unpack))](const autograd::PackedTensor& p) -> Tensor {
    py::gil_scoped_acquire gil;
    py::object r = (*fn)(*static_cast<py::object*>(p.get()));
    TORSH_CHECK_TYPE(py::isinstance<Tensor>(r),
                     "Output of saved tensor unpack_hook expected to be a Tensor but got result "
                     "of type ",
                     py::str(py::type::of(r).attr("__name__")).cast<std::string>());
    return r.cast<Tensor>();
  };
  return h;
}

// A node whose backward is a Python callable: grads (tuple) -> tuple of input grads.
class PyFunctionNode : public Node {
 public:
  PyFunctionNode(py::object backward, std::string name)
      : backward_(std::move(backward)), name_(std::move(name)) {}
  ~PyFunctionNode() override {
    py::gil_scoped_acquire gil;
    backward_ = py::object();
  }
  autograd::variable_list apply(autograd::variable_list&& grads) override {
    py::gil_scoped_acquire gil;
    py::tuple args(grads.size());
    for (size_t i = 0; i < grads.size(); ++i) {
      args[i] = grad_or_none(grads[i]);
    }
    py::object res = backward_(*args);
    py::tuple outs = py::isinstance<py::tuple>(res) ? res.cast<py::tuple>() : py::make_tuple(res);
    TORSH_CHECK(outs.size() >= num_inputs_, "function ", name_,
                " returned an incorrect number of gradients (expected ", num_inputs_, ", got ",
                outs.size(), ")");
    // One gradient per forward input; the edges (torch's next_functions) are the tensors'.
    autograd::variable_list r;
    for (size_t pos : tensor_inputs_) {
      r.push_back(outs[pos].is_none() ? Tensor() : outs[pos].cast<Tensor>());
    }
    return r;
  }
  std::string name() const override { return name_; }
  /// Records forward input `pos`: an edge when it is a tensor (as torch, none otherwise).
  void add_forward_input(size_t pos, const Tensor* t) {
    ++num_inputs_;
    if (!t) return;
    tensor_inputs_.push_back(pos);
    autograd::add_input(*this, *t);
  }

 private:
  py::object backward_;
  std::string name_;
  size_t num_inputs_ = 0;
  std::vector<size_t> tensor_inputs_;
};
}  // namespace

namespace {
PyObject* g_node_type = nullptr;

// The Python class of a node: a subclass of torsh.Node named as torch names it
// (type(y.grad_fn).__name__ == "MulBackward0"), created once per name.
PyTypeObject* node_class(const std::string& name) {
  static std::unordered_map<std::string, py::object> classes;
  auto it = classes.find(name);
  if (it == classes.end()) {
    py::dict ns;
    ns["__slots__"] = py::tuple();
    ns["__module__"] = "torsh.autograd.graph";
    py::object cls = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(&PyType_Type))(
        name, py::make_tuple(py::handle(g_node_type)), ns);
    it = classes.emplace(name, std::move(cls)).first;
  }
  return reinterpret_cast<PyTypeObject*>(it->second.ptr());
}

py::object wrap_node(const std::shared_ptr<Node>& fn) {
  if (!fn) return py::none();
  const auto* tinfo = py::detail::get_type_info(typeid(Node));
  // The same node gives the same object while one is alive, as torch.
  if (py::handle h = py::detail::find_registered_python_instance(fn.get(), tinfo)) {
    return py::reinterpret_borrow<py::object>(h);
  }
  std::string name = fn->name();
  PyTypeObject* type =
      node_class(name.substr(name.rfind(':') + 1));  // torch's class names are bare
  PyObject* self = new_instance(type, fn.get(), fn, /*registered=*/true);
  return self ? py::reinterpret_steal<py::object>(self) : py::cast(fn);
}
}  // namespace

void register_autograd(py::module_& m, py::class_<Tensor>& cls) {
  py::class_<Node, std::shared_ptr<Node>> node_cls(m, "Node");
  g_node_type = node_cls.ptr();
  // torch's name(): its hand-written nodes carry their C++ namespace
  // ("torch::autograd::CopySlices"); the generated ones are bare ("MulBackward0").
  node_cls
      .def("name",
           [](const Node& n) {
             static const char* const kNamespaced[] = {"AccumulateGrad", "CopySlices",
                                                       "CopyBackwards",  "GraphRoot",
                                                       "Error",          "UndefinedGrad"};
             std::string name = n.name();
             for (const char* k : kNamespaced)
               if (name == k) return "torch::autograd::" + name;
             return name;
           })
      .def_property_readonly("next_functions",
                             [](Node& n) {
                               py::list l;
                               for (const auto& e : n.next_edges()) {
                                 l.append(py::make_tuple(wrap_node(e.function), e.input_nr));
                               }
                               return py::tuple(l);
                             })
      .def("register_hook",
           [](Node& n, py::function fn) {
             // torch's Node.register_hook: fn(grad_inputs, grad_outputs) after the node ran,
             // returning None or replacements for grad_inputs
             const size_t pos = n.post_hooks.size();
             std::string name = n.name();
             n.post_hooks.push_back(
                 [fn, name](const autograd::variable_list& gi,
                            const autograd::variable_list& go) -> autograd::variable_list {
                   py::gil_scoped_acquire gil;
                   auto as_tuple = [](const autograd::variable_list& v) {
                     py::tuple t(v.size());
                     for (size_t i = 0; i < v.size(); ++i) {
                       t[i] = v[i].defined() ? py::cast(v[i]) : py::none();
                     }
                     return t;
                   };
                   py::object r = fn(as_tuple(gi), as_tuple(go));
                   if (r.is_none()) return {};
                   py::sequence seq = r.cast<py::sequence>();
                   TORSH_CHECK(seq.size() == gi.size(), "hook '", name,
                               "' has returned an incorrect number of values (got ", seq.size(),
                               ", but expected ", gi.size(), ")");
                   autograd::variable_list out;
                   for (py::handle h : seq)
                     out.push_back(h.is_none() ? Tensor() : h.cast<Tensor>());
                   return out;
                 });
             std::weak_ptr<Node> weak = n.shared_from_this();
             py::cpp_function remove([weak, pos] {
               if (auto p = weak.lock(); p && pos < p->post_hooks.size()) {
                 p->post_hooks[pos] = nullptr;
               }
             });
             return py::module_::import("torsh._tensor_extras")
                 .attr("TensorHookHandle")(remove, pos);
           })
      .def("__repr__", [](Node& n) {
        char buf[32];
        std::snprintf(buf, sizeof(buf), "%p", static_cast<void*>(&n));
        return "<" + n.name() + " object at " + buf + ">";
      });

  // requires_grad, grad and is_leaf: fast_attrs.cpp.
  cls.def(
         "requires_grad_",
         [](py::object self, bool r) {
           self.cast<Tensor&>().requires_grad_(r);
           return self;
         },
         py::arg("requires_grad") = true)
      .def_property_readonly("grad_fn", [](const Tensor& t) { return wrap_node(t.grad_fn()); })
      .def_property_readonly("output_nr", &Tensor::output_nr)
      .def_property_readonly("_version", &Tensor::_version)
      .def("is_inference", &Tensor::is_inference)
      .def_property_readonly("_base",
                             [](const Tensor& t) -> py::object {
                               Tensor b = t._base();
                               return b.defined() ? wrap(b) : py::object(py::none());
                             })
      .def("_is_view", &Tensor::is_view)
      // counts one in-place op (squeeze_ and friends, which Python rebinds)
      .def("_bump_version",
           [](const Tensor& t) { t.unsafeGetTensorImpl()->storage()->bump_version(); })
      .def_property_readonly("retains_grad", &Tensor::retains_grad)
      .def("retain_grad", &Tensor::retain_grad)
      .def("detach", [](const Tensor& t) { return wrap(t.detach()); })
      // t.data: the same memory outside the graph; assigning rebinds this Python object to the
      // new data (its dtype, shape and storage) and keeps a leaf's requires_grad and grad, as
      // torch's `param.data = new` does (Module.to(dtype) converts parameters in place).
      .def_property(
          "data", [](const Tensor& t) { return wrap(t.detach()); },
          [](py::object self, const Tensor& data) {
            Tensor& t = self.cast<Tensor&>();
            const bool leaf_rg = t.is_leaf() && t.requires_grad();
            Tensor grad = t.grad();
            // this object now stands for the new TensorImpl: the old one (alive elsewhere, or
            // freed by the assignment) must not give this object back
            TensorImpl* old = t.unsafeGetTensorImpl();
            if (old && old->pyobj() == self.ptr()) old->set_pyobj(nullptr);
            t = data.detach();
            t.unsafeGetTensorImpl()->set_pyobj(self.ptr());
            if (leaf_rg) t.requires_grad_(true);
            if (grad.defined()) t.mutable_grad() = grad;
          })
      .def("detach_",
           [](py::object self) {
             self.cast<Tensor&>().detach_();
             return self;
           })
      .def("register_hook",
           [](const Tensor& t, py::function fn) {
             const unsigned pos = t.register_hook([fn](const Tensor& g) -> Tensor {
               py::gil_scoped_acquire gil;
               py::object r = fn(g);
               return r.is_none() ? Tensor() : r.cast<Tensor>();
             });
             // torch's RemovableHandle: remove() takes the hook out (once)
             py::cpp_function remove(autograd::hook_remover(t, pos));
             return py::module_::import("torsh._tensor_extras")
                 .attr("TensorHookHandle")(remove, pos);
           })
      .def(
          "backward",
          [](const Tensor& t, py::object gradient, py::object retain_graph, bool create_graph,
             py::object inputs) {
            Tensor g = gradient.is_none() ? Tensor() : to_tensor_arg(gradient);
            std::optional<bool> keep;
            if (!retain_graph.is_none()) keep = retain_graph.cast<bool>();
            auto ins = tensor_list(inputs);  // Python objects are read under the GIL
            py::gil_scoped_release nogil;
            t.backward(g, keep, create_graph, ins);
          },
          py::arg("gradient") = py::none(), py::arg("retain_graph") = py::none(),
          py::arg("create_graph") = false, py::arg("inputs") = py::none());

  m.def("is_grad_enabled", &GradMode::is_enabled);
  m.def("_set_grad_enabled", &GradMode::set_enabled);
  m.def("_is_inference_mode_enabled", &InferenceMode::is_enabled);
  m.def("_set_inference_mode", &InferenceMode::set_enabled);
  m.def("_set_detect_anomaly", &autograd::set_detect_anomaly);
  m.def("_is_anomaly_enabled", &autograd::is_anomaly_enabled);
  m.def("_is_checkpoint_valid", &autograd::is_checkpoint_valid);
  m.def("_push_saved_tensors_hooks", [](py::function pack, py::function unpack) {
    autograd::push_saved_tensor_hooks(py_saved_tensor_hooks(std::move(pack), std::move(unpack)));
  });
  m.def("_pop_saved_tensors_hooks", &autograd::pop_saved_tensor_hooks);
  m.def("_autograd_grad", [](py::handle outputs, py::handle inputs, py::handle grad_outputs,
                             py::object retain_graph, bool create_graph, bool allow_unused) {
    auto outs = tensor_list(outputs);
    auto ins = tensor_list(inputs);
    auto gos = tensor_list(grad_outputs);
    std::optional<bool> keep;
    if (!retain_graph.is_none()) keep = retain_graph.cast<bool>();
    autograd::variable_list r;
    {
      py::gil_scoped_release nogil;
      r = autograd::grad(outs, ins, gos, keep, create_graph, allow_unused);
    }
    py::tuple t(r.size());
    for (size_t i = 0; i < r.size(); ++i) t[i] = grad_or_none(r[i]);
    return t;
  });
  m.def("_autograd_backward", [](py::handle tensors, py::handle grads, py::object retain_graph,
                                 bool create_graph, py::handle inputs) {
    auto ts = tensor_list(tensors);
    auto gs = tensor_list(grads);
    bool keep = retain_graph.is_none() ? create_graph : retain_graph.cast<bool>();
    auto ins = tensor_list(inputs);
    py::gil_scoped_release nogil;
    autograd::backward(ts, gs, keep, create_graph, ins);
  });
  // Connects the outputs of a Python Function's forward to a node running its backward.
  m.def("_attach_function",
        [](py::object backward, std::string name, py::list inputs, py::list outputs) {
          auto node = std::make_shared<PyFunctionNode>(std::move(backward), std::move(name));
          size_t pos = 0;
          for (auto in : inputs) node->add_forward_input(pos++, peek_tensor(in.ptr()));
          node->set_num_outputs(static_cast<uint32_t>(outputs.size()));
          for (size_t i = 0; i < outputs.size(); ++i) {
            if (outputs[i].is_none()) continue;  // not differentiable, or not a tensor
            const Tensor& t = outputs[i].cast<const Tensor&>();
            if (t.is_floating_point() || t.is_complex()) {
              autograd::set_history(t, node, static_cast<uint32_t>(i));
            }
          }
        });
}

}  // namespace torsh::python
