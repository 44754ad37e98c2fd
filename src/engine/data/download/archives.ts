// The official archives `data.download` fetches: where each data set is published, its published md5 and size,
// and the folder it unpacks to (the one the format's loader looks for).
import { isDownloadable, type DatasetFormat, type DownloadableFormat } from '../../../protocol/config';

export interface DatasetArchive {
  title: string;
  /** File name of the archive; a mirror (SELECTIVITY_LENS_DATA_MIRROR) serves it under this name. */
  file: string;
  url: string;
  /** md5 as the data set's authors (and torchvision) publish it. */
  md5: string;
  /** Published size in bytes, for the progress bar until the server says. */
  bytes: number;
  kind: 'tar.gz' | 'zip';
  /** Top folder of the archive. */
  folder: string;
}

// Our CIFAR loader reads the "binary version" (fixed-size records), so these are the binary archives,
// not the python pickles torchvision's CIFAR10 class fetches.
const ARCHIVES: Record<DownloadableFormat, DatasetArchive> = {
  cifar10: {
    title: 'CIFAR-10',
    file: 'cifar-10-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
    md5: 'c32a1d4ab5d03f1284b67883e8d87530',
    bytes: 170_052_171,
    kind: 'tar.gz',
    folder: 'cifar-10-batches-bin',
  },
  cifar100: {
    title: 'CIFAR-100',
    file: 'cifar-100-binary.tar.gz',
    url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz',
    md5: '03b5dce01913d631647c71ecec9e9cb8',
    bytes: 168_513_733,
    kind: 'tar.gz',
    folder: 'cifar-100-binary',
  },
  'tiny-imagenet': {
    title: 'Tiny ImageNet',
    file: 'tiny-imagenet-200.zip',
    url: 'http://cs231n.stanford.edu/tiny-imagenet-200.zip',
    md5: '90528d7ca1a48142e341f4ef8d21d0de',
    bytes: 248_100_043,
    kind: 'zip',
    folder: 'tiny-imagenet-200',
  },
};

export function archiveOf(format: DatasetFormat): DatasetArchive | undefined {
  return isDownloadable(format) ? ARCHIVES[format] : undefined;
}
