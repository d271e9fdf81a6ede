// FoveaImage: uploaded bytes → decoded pixels (libjpeg-turbo, libpng) →
// the model's preprocessed input, written straight into a batch slot.
