//! The MiniLM sentence encoder (all-MiniLM-L6-v2: six BERT layers, 384 dimensions) on the
//! CPU with candle: mean of the token vectors under the attention mask, scaled to unit
//! length. Built only with the `semantic` feature; the caller reads the files.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, Tokenizer, TruncationParams};

use super::TextEncoder;

/// Longest input in word pieces (the model was trained on up to 256).
const MAX_TOKENS: usize = 256;

/// Texts encoded together (sorted by length first, so padding stays short).
const BATCH: usize = 32;

pub struct MiniLm {
    model: BertModel,
    tokenizer: Tokenizer,
}

impl std::fmt::Debug for MiniLm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MiniLm")
    }
}

impl MiniLm {
    /// The encoder from the model's `model.safetensors`, `config.json` and
    /// `tokenizer.json` contents, adapted by low-rank updates (`adapters`, a safetensors file
    /// of `NAME.lora_a` / `NAME.lora_b` pairs: weight `NAME` becomes `NAME + lora_b · lora_a`).
    pub fn from_bytes(
        weights: &[u8],
        config: &str,
        tokenizer: &[u8],
        adapters: Option<&[u8]>,
    ) -> Result<Self, String> {
        let config: Config =
            serde_json::from_str(config).map_err(|e| format!("config.json: {e}"))?;
        let mut tensors = candle_core::safetensors::load_buffer(weights, &Device::Cpu)
            .map_err(|e| format!("model.safetensors: {e}"))?;
        if let Some(adapters) = adapters {
            merge_adapters(&mut tensors, adapters)?;
        }
        let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
        let model = BertModel::load(vb, &config).map_err(|e| format!("model.safetensors: {e}"))?;
        let mut tokenizer =
            Tokenizer::from_bytes(tokenizer).map_err(|e| format!("tokenizer.json: {e}"))?;
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..TruncationParams::default()
            }))
            .map_err(|e| format!("tokenizer.json: {e}"))?;
        // Pad each batch to its longest text, not to the file's fixed length.
        tokenizer.with_padding(Some(PaddingParams::default()));
        Ok(Self { model, tokenizer })
    }

    /// Embeddings of texts of similar length, padded together.
    fn batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let err = |e: candle_core::Error| format!("encoding: {e}");
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| format!("tokenising: {e}"))?;
        let rows = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids: Vec<u32> = Vec::with_capacity(rows * len);
        let mut mask: Vec<u32> = Vec::with_capacity(rows * len);
        for e in &encodings {
            ids.extend_from_slice(e.get_ids());
            mask.extend_from_slice(e.get_attention_mask());
        }
        let ids = Tensor::from_vec(ids, (rows, len), &Device::Cpu).map_err(err)?;
        let mask = Tensor::from_vec(mask, (rows, len), &Device::Cpu).map_err(err)?;
        let types = ids.zeros_like().map_err(err)?;
        let hidden = self.model.forward(&ids, &types, Some(&mask)).map_err(err)?;
        // Mean over the real tokens, then unit length.
        let mask = mask
            .to_dtype(DType::F32)
            .map_err(err)?
            .unsqueeze(2)
            .map_err(err)?;
        let summed = hidden
            .broadcast_mul(&mask)
            .map_err(err)?
            .sum(1)
            .map_err(err)?;
        let counts = mask.sum(1).map_err(err)?;
        let mean = summed.broadcast_div(&counts).map_err(err)?;
        let norm = mean
            .sqr()
            .and_then(|x| x.sum_keepdim(1))
            .and_then(|x| x.sqrt())
            .map_err(err)?;
        mean.broadcast_div(&norm)
            .and_then(|x| x.to_vec2::<f32>())
            .map_err(err)
    }
}

/// Adds each low-rank update `lora_b · lora_a` in `adapters` to the weight it names.
fn merge_adapters(
    tensors: &mut std::collections::HashMap<String, Tensor>,
    adapters: &[u8],
) -> Result<(), String> {
    let err = |e: candle_core::Error| format!("encoder adapters: {e}");
    let updates = candle_core::safetensors::load_buffer(adapters, &Device::Cpu).map_err(err)?;
    let mut names: Vec<&str> = updates
        .keys()
        .filter_map(|k| k.strip_suffix(".lora_a"))
        .collect();
    names.sort_unstable();
    if names.is_empty() {
        return Err("encoder adapters: no `.lora_a` tensor".into());
    }
    for name in names {
        let (Some(a), Some(b)) = (
            updates.get(&format!("{name}.lora_a")),
            updates.get(&format!("{name}.lora_b")),
        ) else {
            return Err(format!("encoder adapters: {name}.lora_b is missing"));
        };
        let base = tensors
            .get(name)
            .ok_or_else(|| format!("encoder adapters: the encoder has no weight {name}"))?;
        let merged = b
            .to_dtype(DType::F32)
            .and_then(|b| b.matmul(&a.to_dtype(DType::F32)?))
            .and_then(|delta| base.to_dtype(DType::F32)?.add(&delta))
            .map_err(|e| format!("encoder adapters: {name}: {e}"))?;
        tensors.insert(name.to_string(), merged);
    }
    Ok(())
}

impl TextEncoder for MiniLm {
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, String> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i]).collect();
            for (&i, v) in chunk.iter().zip(self.batch(&batch)?) {
                out[i] = v;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use candle_core::{Device, Tensor};

    use super::merge_adapters;

    fn tensor(rows: usize, cols: usize, values: &[f32]) -> Tensor {
        Tensor::from_vec(values.to_vec(), (rows, cols), &Device::Cpu).expect("tensor")
    }

    /// The safetensors bytes of `tensors`.
    fn bytes(tensors: &[(&str, Tensor)]) -> Vec<u8> {
        let map: HashMap<String, Tensor> = tensors
            .iter()
            .map(|(k, t)| ((*k).to_string(), t.clone()))
            .collect();
        // Tests run in parallel threads of one process: one file per call.
        static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let call = CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "sitrep-lora-{}-{call}.safetensors",
            std::process::id()
        ));
        candle_core::safetensors::save(&map, &path).expect("write");
        let out = std::fs::read(&path).expect("read");
        let _ = std::fs::remove_file(&path);
        out
    }

    #[test]
    fn adapters_add_their_low_rank_product_to_the_named_weight() {
        let mut weights = HashMap::from([
            (
                "layer.weight".to_string(),
                tensor(2, 2, &[1.0, 0.0, 0.0, 1.0]),
            ),
            ("other.weight".to_string(), tensor(1, 1, &[5.0])),
        ]);
        let adapters = bytes(&[
            ("layer.weight.lora_a", tensor(1, 2, &[1.0, 2.0])),
            ("layer.weight.lora_b", tensor(2, 1, &[3.0, -1.0])),
        ]);
        merge_adapters(&mut weights, &adapters).expect("merged");
        let merged = weights["layer.weight"].to_vec2::<f32>().expect("values");
        assert_eq!(merged, vec![vec![4.0, 6.0], vec![-1.0, -1.0]]);
        let untouched = weights["other.weight"].to_vec2::<f32>().expect("values");
        assert_eq!(untouched, vec![vec![5.0]]);
    }

    #[test]
    fn adapters_for_a_missing_weight_or_half_a_pair_are_refused() {
        let mut weights = HashMap::from([("layer.weight".to_string(), tensor(1, 1, &[1.0]))]);
        let unknown = bytes(&[
            ("nope.weight.lora_a", tensor(1, 1, &[1.0])),
            ("nope.weight.lora_b", tensor(1, 1, &[1.0])),
        ]);
        let err = merge_adapters(&mut weights, &unknown).expect_err("unknown weight");
        assert!(err.contains("no weight nope.weight"), "{err}");
        let half = bytes(&[("layer.weight.lora_a", tensor(1, 1, &[1.0]))]);
        let err = merge_adapters(&mut weights, &half).expect_err("half a pair");
        assert!(err.contains("lora_b is missing"), "{err}");
    }
}
