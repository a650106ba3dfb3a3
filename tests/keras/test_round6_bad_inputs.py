"""Bad inputs tried while porting the sixth round of Keras programs: the errors must name the loss or layer, the
shapes involved and the fix (before, a loss with a mis-shaped sample_weight or y_true failed inside `mul` / `sub`
without naming the loss, and Reshape with a wrong target_shape inside the tensor reshape)."""
import numpy as np
import pytest

from nn import keras


def test_loss_with_sample_weight_of_the_wrong_shape_names_the_loss_and_shapes():
    with pytest.raises(ValueError, match=r"mean_absolute_error: sample_weight of shape \(6, 3\) does not fit the "
                                         r"per-example losses of shape \(6,\); pass one weight per example"):
        keras.losses.MeanAbsoluteError()(np.ones((6, 3)), np.zeros((6, 3)), sample_weight=np.ones((6, 3)))


def test_loss_sample_weight_that_broadcasts_still_works():
    per_example = keras.losses.MeanSquaredError(reduction="none")(np.ones((4, 3)), np.zeros((4, 3)),
                                                                  sample_weight=np.array([[1.0], [0.0], [2.0], [1.0]]))
    # Keras 3 gives the (4,) losses the weights' trailing axis: (4, 1)
    np.testing.assert_allclose(per_example.numpy(), [[1.0], [0.0], [2.0], [1.0]])


def test_loss_with_y_true_that_does_not_fit_y_pred_names_the_loss():
    with pytest.raises(ValueError, match=r"mean_squared_error: y_true of shape \(4, 3\) does not fit y_pred of "
                                         r"shape \(4, 5\).*pass targets shaped like the model's output"):
        keras.losses.MeanSquaredError()(np.ones((4, 3)), np.ones((4, 5)))


def test_reshape_layer_with_a_wrong_target_shape_names_the_layer_and_sizes():
    with pytest.raises(ValueError, match=r"to_grid: cannot reshape inputs of shape \(2, 10\) \(10 values per "
                                         r"example\) to target_shape=\(4, 4\)"):
        keras.layers.Reshape((4, 4), name="to_grid")(np.ones((2, 10), "float32"))
    assert tuple(keras.layers.Reshape((-1, 5))(np.ones((2, 10), "float32")).shape) == (2, 2, 5)
    with pytest.raises(ValueError, match="target_shape=\\(-1, 3\\)"):
        keras.layers.Reshape((-1, 3))(np.ones((2, 10), "float32"))


def test_circle_loss_on_non_matrix_embeddings_says_what_it_needs():
    with pytest.raises(ValueError, match=r"circle: y_pred must be \(batch, embedding_dim\) embeddings, got shape "
                                         r"\(2, 3, 4\)"):
        keras.losses.Circle()(np.array([0, 1]), np.ones((2, 3, 4), "float32"))
