// Node-only data loaders (file I/O); re-exported from @gantry/core/node.
export { readCsvFile } from './csv-file.node.js';
export {
  readIdxFile, loadMnistFormat, loadFashionMnist, loadPaddedFashionMnist, FASHION_MNIST_DIR, FASHION_PADDED_SIDE, type MnistFormatOptions,
} from './idx-file.node.js';
export { loadMnistPackage, MNIST_PACKAGE_TRAIN_FRACTION } from './mnist-package.node.js';
export { loadImageFolder, decodeImageFile, readImageRaster, type ImageFolderOptions } from './image-folder.node.js';
export { loadPairedImageFolders, type PairedFolderOptions } from './paired-folders.node.js';
export {
  loadEmoji, loadEmojiPair, readEmojiCatalogue, emojiPackageRoot, type EmojiOptions, type EmojiPairOptions, type EmojiDataset,
} from './emoji.node.js';
